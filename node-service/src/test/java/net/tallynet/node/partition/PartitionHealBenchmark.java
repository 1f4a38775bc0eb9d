package net.tallynet.node.partition;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Partition and heal at length ({@code ./tallynet partition-test [rounds]}; not in the test command):
 * {@code -Dtallynet.partition.rounds} rounds (default 20) on the same six node processes, then the
 * tally: rounds converged, time from the heal to one tip (median, max), the losing half's
 * reorganisation depth, and the stored unspent outputs compared across the six.
 */
class PartitionHealBenchmark {
    private static final int ROUNDS = Integer.getInteger("tallynet.partition.rounds", 20);

    @Test
    void run() throws Exception {
        Path dir = Files.createTempDirectory("tallynet-partition");
        try (PartitionHeal network = new PartitionHeal(dir)) {
            PartitionHeal.Tally tally = network.run(ROUNDS);
            System.out.println(tally);
            if (tally.converged().size() < ROUNDS || tally.stored() == null) {
                throw new AssertionError("not every round converged, or the stored outputs differ; data in " + dir);
            }
        }
    }
}
