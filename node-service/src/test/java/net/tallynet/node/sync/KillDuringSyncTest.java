package net.tallynet.node.sync;

import static net.tallynet.node.TestNetwork.chain;
import static net.tallynet.node.TestNetwork.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import net.tallynet.node.NodeProcess;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.mining.Miner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A new member in its own process is killed (SIGKILL) in the middle of its sync from genesis, then
 * restarted on the same data directory: it resumes from the blocks it had stored and finishes.
 */
class KillDuringSyncTest {
    private static final int BLOCKS = 1500;

    @TempDir
    Path dir;

    @Test
    void aNodeKilledDuringSyncRestartsAndFinishes() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext source = network.node("source");
            source.getBean(Miner.class).generate(BLOCKS, null);
            String tip = chain(source).tip().hash();
            int port = NodeProcess.freePort();

            Process first = start(port, port(source));
            long heightAtKill;
            try {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                        .until(() -> height(port) >= 100);
                heightAtKill = height(port);
            } finally {
                first.destroyForcibly().waitFor();
            }
            assertThat(heightAtKill).as("killed in the middle of the sync").isLessThan(BLOCKS);

            Process second = start(port, port(source));
            try {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                        .until(() -> height(port) >= 0);
                long resumedAt = height(port);
                // H2 may lose the last half second of commits to a kill, never more, never half a block
                assertThat(resumedAt).as("resumed from the stored chain").isPositive();
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                        .until(() -> tip.equals(bestHash(port)));
                assertThat(height(port)).isEqualTo(BLOCKS);
            } finally {
                second.destroy();
                second.waitFor();
            }
        }
    }

    private Process start(int port, int sourcePort) throws Exception {
        return NodeProcess.start(dir.resolve("syncing"), port, "--tallynet.peers.seeds=127.0.0.1:" + sourcePort,
                "--tallynet.peers.connect-interval=300ms");
    }

    private static long height(int port) {
        return NodeProcess.chain(port).get("height").asLong();
    }

    private static String bestHash(int port) {
        return NodeProcess.chain(port).get("bestHash").asString();
    }
}
