package net.tallynet.node.sync;

import static net.tallynet.node.sync.ProcessSyncBenchmark.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.tallynet.node.NodeProcess;
import net.tallynet.node.network.flood.NodeMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Compact block relay between real processes (PROTOCOL.md 12.1): eight nodes in a line, each knowing
 * only the one before it, and a ninth with the extension off hanging off the fourth. Payments from the
 * first reach every mempool; then the first mines them into a block. The block crosses the eight as
 * COMPACTBLOCK, rebuilt from each mempool: no node of the line sends a BLOCK frame for it and none
 * asks for a transaction; the ninth, a version-1 peer as far as the fourth can tell, is announced the
 * block and fetches it whole, as before the extension.
 */
class CompactRelayProcessTest {
    private static final int LINE = 8;
    private static final int PAYMENTS = 20;
    /** The node the plain one hangs off (0-based: the fourth). */
    private static final int BRANCH = 3;

    @TempDir
    Path dir;

    @Test
    void aBlockOfPooledTransactionsCrossesEightProcessesWithoutAFullBodyAndAPlainPeerStillGetsIt() throws Exception {
        List<Process> nodes = new ArrayList<>();
        int[] ports = new int[LINE + 1];
        try {
            for (int i = 0; i <= LINE; i++) {
                ports[i] = NodeProcess.freePort();
                List<String> args = new ArrayList<>(List.of("--tallynet.api.token=" + TOKEN,
                        "--tallynet.peers.max-outbound=1", "--tallynet.peers.feeler-interval=0s",
                        "--tallynet.peers.connect-interval=500ms", "--tallynet.api.rate-limit.requests-per-second=1000",
                        "--tallynet.api.rate-limit.burst=1000"));
                if (i > 0) {
                    args.add("--tallynet.peers.seeds=127.0.0.1:" + ports[i == LINE ? BRANCH : i - 1]);
                }
                if (i == LINE) {
                    args.add("--tallynet.compact-blocks.enabled=false");
                }
                List<String> jvm = List.of("-Xmx160m", i == 0 ? "-XX:TieredStopAtLevel=4" : "-XX:TieredStopAtLevel=1");
                nodes.add(NodeProcess.start(dir.resolve("node" + (i + 1)), ports[i], jvm, Map.of(), args.toArray(String[]::new)));
            }
            for (int port : ports) {
                ProcessSyncBenchmark.awaitHealthy(port, Duration.ofMinutes(4));
            }
            // coinbases to spend, and blocks one at a time so each node learns which peer brings them first
            ProcessSyncBenchmark.generate(ports[0], 30, null);
            for (int i = 0; i < 3; i++) {
                awaitEverywhere(ports, ProcessSyncBenchmark.generate(ports[0], 1, null));
            }
            String to = NodeProcess.json(NodeProcess.get(ports[LINE], "/api/wallet")).path("address").asString();
            List<String> payments = new ArrayList<>();
            for (int p = 0; p < PAYMENTS; p++) {
                var paid = NodeProcess.post(ports[0], "/api/payments", TOKEN, "{\"to\":\"" + to + "\",\"amount\":1000,\"fee\":1000}");
                assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
                payments.add(NodeProcess.json(paid).path("id").asString());
            }
            await("every payment in every mempool").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                    .until(() -> payments.stream().allMatch(id -> everywhere(ports, "/api/transactions/" + id)));

            NodeMetrics[] before = scrape(ports);
            String hash = ProcessSyncBenchmark.generate(ports[0], 1, null);
            awaitEverywhere(ports, hash);
            NodeMetrics[] after = scrape(ports);

            JsonNode block = NodeProcess.json(NodeProcess.get(ports[LINE - 1], "/api/blocks/" + hash));
            assertThat(block.path("transactions").size()).as("the block holds the payments").isEqualTo(PAYMENTS + 1);
            for (int i = 0; i < LINE; i++) {
                String node = "node " + (i + 1);
                double blocksToPlainPeer = i == BRANCH ? 1 : 0;
                assertThat(delta(before[i], after[i], "tallynet_frames_sent_total", "method=\"BLOCK\""))
                        .as(node + ": BLOCK frames sent").isEqualTo(blocksToPlainPeer);
                assertThat(delta(before[i], after[i], "tallynet_frames_sent_total", "method=\"GETBLOCKTXN\""))
                        .as(node + ": transactions asked for").isZero();
                if (i > 0) {
                    assertThat(delta(before[i], after[i], "tallynet_frames_received_total", "method=\"COMPACTBLOCK\""))
                            .as(node + ": COMPACTBLOCK frames received").isEqualTo(1);
                    assertThat(delta(before[i], after[i], "tallynet_compact_blocks_total", "outcome=\"rebuilt\""))
                            .as(node + ": blocks rebuilt from the mempool").isEqualTo(1);
                }
            }
            assertThat(delta(before[LINE], after[LINE], "tallynet_frames_received_total", "method=\"BLOCK\""))
                    .as("the plain peer fetched the block whole").isEqualTo(1);
            assertThat(delta(before[LINE], after[LINE], "tallynet_frames_received_total", "method=\"COMPACTBLOCK\""))
                    .as("the plain peer was sent no COMPACTBLOCK").isZero();
        } finally {
            for (Process node : nodes) {
                NodeProcess.stop(node, Duration.ofSeconds(20));
            }
        }
    }

    private static void awaitEverywhere(int[] ports, String hash) {
        await("block " + hash + " on every node").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    for (int port : ports) {
                        if (!hash.equals(NodeProcess.chain(port).path("bestHash").asString())) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    private static boolean everywhere(int[] ports, String path) {
        for (int port : ports) {
            if (NodeProcess.get(port, path).statusCode() != 200) {
                return false;
            }
        }
        return true;
    }

    private static NodeMetrics[] scrape(int[] ports) {
        NodeMetrics[] metrics = new NodeMetrics[ports.length];
        for (int i = 0; i < ports.length; i++) {
            metrics[i] = NodeMetrics.scrape(ports[i]);
        }
        return metrics;
    }

    private static double delta(NodeMetrics before, NodeMetrics after, String name, String label) {
        return after.sum(name, label) - before.sum(name, label);
    }
}
