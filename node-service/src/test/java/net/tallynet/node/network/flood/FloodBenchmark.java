package net.tallynet.node.network.flood;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The flood figures of issue 11 ({@code ./tallynet bench-flood}; not a test: it asserts nothing):
 * REST latency, peak RSS and an honest member's sync time during a flood of inbound peers, each
 * beside the same figure measured on the same node just before the flood, a newcomer's handshake
 * time, and what the flooders sent and the node refused. Sizes can be changed:
 * {@code -Dtallynet.bench.blocks=500 -Dtallynet.bench.flooders=80 -Dtallynet.bench.seconds=40}.
 */
class FloodBenchmark {
    private static final int BLOCKS = Integer.getInteger("tallynet.bench.blocks", 500);
    private static final int FLOODERS = Integer.getInteger("tallynet.bench.flooders", 80);
    private static final int SECONDS = Integer.getInteger("tallynet.bench.seconds", 40);

    @Test
    void run() throws Exception {
        FloodFigures figures = FloodHarness.run(Files.createTempDirectory("tallynet-flood-bench"),
                new FloodHarness.Settings(BLOCKS, FLOODERS, Duration.ofSeconds(SECONDS), FLOODERS + 16, true));
        System.out.println(figures.table());
    }
}
