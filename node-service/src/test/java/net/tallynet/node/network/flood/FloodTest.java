package net.tallynet.node.network.flood;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: 80 flooding peers from different 127.x addresses against one node process cannot stop it
 * serving others. The bounds are loose enough for a busy 2-core machine shared with other builds;
 * the real figures, beside their before-the-flood baselines, come from {@code ./tallynet bench-flood}.
 */
class FloodTest {

    @TempDir
    Path dir;

    @Test
    void eightyFloodingPeersCannotStopANodeServingHonestPeersAndRest() throws Exception {
        FloodFigures figures = FloodHarness.run(dir,
                new FloodHarness.Settings(300, 80, Duration.ofSeconds(15), 96, false));
        System.out.println(figures.table());

        assertThat(figures.nodeAlive()).as("node alive and healthy after the flood").isTrue();
        assertThat(figures.syncDuring().finished()).as("honest member synced the whole chain during the flood").isTrue();
        assertThat(figures.newcomer().connected()).as("newcomer's handshake at the end of the flood: %s",
                figures.newcomer().failure()).isTrue();
        // the goal is a p99 under 100 ms; 2 s only catches a node that stops answering, not noise
        assertThat(figures.restDuring().p99()).as("REST p99 (ms) during the flood").isLessThan(2000);
        assertThat(figures.restDuring().failed()).as("REST requests failed during the flood").isZero();
        // the goal is under 512 MB with -Xmx384m; 768 leaves room for a noisy machine, not for a leak
        assertThat(figures.rssDuringMib()).as("peak RSS (MiB) during the flood").isLessThan(768);
    }
}
