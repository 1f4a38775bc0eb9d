package net.tallynet.node.network.flood;

import java.util.Collections;
import java.util.List;

/** REST latencies of one window, in milliseconds; {@code failed} requests (errors, non-200) are counted in them too. */
record Latencies(int requests, int failed, double p50, double p99, double max) {

    static Latencies of(List<Long> nanos, int failed) {
        if (nanos.isEmpty()) {
            return new Latencies(0, failed, Double.NaN, Double.NaN, Double.NaN);
        }
        List<Long> sorted = nanos.stream().sorted().toList();
        return new Latencies(sorted.size(), failed, millis(percentile(sorted, 50)), millis(percentile(sorted, 99)),
                millis(Collections.max(sorted)));
    }

    /** Nearest-rank percentile. */
    private static long percentile(List<Long> sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
