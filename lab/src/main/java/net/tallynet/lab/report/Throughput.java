package net.tallynet.lab.report;

import java.util.ArrayList;
import java.util.List;

/** Confirmed transactions and blocks per fixed time bucket. */
final class Throughput {

    /** One bucket starting at {@code startSeconds}. */
    record Bucket(double startSeconds, double transactionsPerSecond, double blocksPerMinute) {
    }

    private Throughput() {
    }

    /**
     * A transaction counts as confirmed when a best-chain block holding it was mined: each best-chain block adds
     * its payments (coinbase left out) once, at its mined time. Blocks per minute counts every mined block, stale
     * ones too, because that is the rate the miners worked at.
     */
    static List<Bucket> of(List<Propagation.Block> blocks, long durationMillis, long bucketMillis) {
        long end = Math.max(durationMillis, blocks.stream().mapToLong(b -> b.mined().at() + 1).max().orElse(0));
        int count = (int) Math.max(1, (end + bucketMillis - 1) / bucketMillis);
        double[] payments = new double[count];
        double[] mined = new double[count];
        for (Propagation.Block b : blocks) {
            int i = (int) Math.clamp(b.mined().at() / bucketMillis, 0, count - 1);
            mined[i]++;
            if (b.inBestChain()) {
                payments[i] += b.payments();
            }
        }
        double seconds = bucketMillis / 1000.0;
        List<Bucket> buckets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            buckets.add(new Bucket(i * seconds, payments[i] / seconds, mined[i] * 60 / seconds));
        }
        return buckets;
    }
}
