package net.tallynet.lab.report;

import java.util.Collection;
import java.util.List;

/** Order statistics for the summary. */
final class Stats {
    private Stats() {
    }

    /**
     * The nearest-rank percentile ({@code fraction} in 0..1) of {@code values}, or null when there are none.
     * Nearest rank rather than interpolation so that every figure in the report is a time that was actually
     * observed.
     */
    static Long percentile(Collection<Long> values, double fraction) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(fraction * sorted.size());
        return sorted.get(Math.max(rank, 1) - 1);
    }

    static Long median(Collection<Long> values) {
        return percentile(values, 0.5);
    }
}
