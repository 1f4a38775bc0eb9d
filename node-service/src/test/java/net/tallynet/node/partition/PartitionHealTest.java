package net.tallynet.node.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partition and heal ({@link PartitionHeal}) in the test command: three rounds on the same six node
 * processes. {@code ./tallynet partition-test N} runs N with the tally ({@link PartitionHealBenchmark}).
 */
class PartitionHealTest {
    @TempDir
    Path dir;

    @Test
    void halvesThatMinedApartConvergeOnOneTipAndOneUtxoSetAfterEachHeal() throws Exception {
        try (PartitionHeal network = new PartitionHeal(dir)) {
            PartitionHeal.Tally tally = network.run(3);
            System.out.println(tally);
            assertThat(tally.converged()).hasSize(3);
            assertThat(tally.converged()).allSatisfy(round -> assertThat(round.reorgDepth()).isPositive());
            assertThat(tally.stored()).isNotNull();
        }
    }
}
