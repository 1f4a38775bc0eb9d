package net.tallynet.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import net.tallynet.protocol.ledger.ChainParams;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * kill -9 while blocks are being connected, then a restart on the same data directory: the node
 * resumes a consistent chain (every coinbase of the best chain, and nothing else, in the wallet)
 * and keeps mining on it. A block connect is one database transaction, so no block is ever half
 * applied, and the block journal gives back what H2 had not yet written ({@code CrashCampaignTest} goes further).
 */
class NodeCrashTest {
    private static final long REWARD = ChainParams.easy().blockReward();

    @TempDir
    Path dataDir;

    @Test
    void nodeKilledWhileConnectingBlocksRestartsOnAConsistentChain() throws Exception {
        int port = freePort();
        Process first = start(port);
        long heightAtKill;
        try {
            awaitReady(port, first);
            // up to 20,000 blocks ordered in the background; the process dies somewhere in the middle of them
            CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 20; i++) {
                    post(port, "/api/blocks/generate", "{\"count\":1000}");
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> height(port) >= 30);
            heightAtKill = height(port);
            assertThat(heightAtKill).as("killed while blocks were still being connected").isLessThan(20_000);
        } finally {
            first.destroyForcibly().waitFor();
        }

        Process second = start(port);
        try {
            awaitReady(port, second);
            long height = height(port);
            // H2 writes commits to its file only within its write delay, but every block was journaled before it
            // was stored (BlockJournal): the height reported before the kill is there after it, never half a block
            assertThat(height).isGreaterThanOrEqualTo(heightAtKill).isLessThanOrEqualTo(heightAtKill + 1000);
            assertThat(balance(port)).as("wallet holds exactly the coinbases of blocks 1..%d", height)
                    .isEqualTo(height * REWARD);

            JsonNode mined = NodeProcess.json(post(port, "/api/blocks/generate", "{\"count\":3}"));
            assertThat(mined.get("hashes")).hasSize(3);
            assertThat(height(port)).isEqualTo(height + 3);
            assertThat(balance(port)).isEqualTo((height + 3) * REWARD);
            JsonNode tip = NodeProcess.json(get(port, "/api/blocks/" + (height + 3)));
            assertThat(tip.get("previousHash").asString())
                    .isEqualTo(NodeProcess.json(get(port, "/api/blocks/" + (height + 2))).get("hash").asString());
        } finally {
            second.destroy();
            second.waitFor();
        }
    }

    private Process start(int port) throws Exception {
        return NodeProcess.start(dataDir, port, "--tallynet.api.token=crash-test-api-token");
    }

    /**
     * Ready within 90 s; if not, or if the node exits first, the failure carries the end of its logs (in the
     * data directory, which JUnit deletes after the test): a CI run once saw the restarted node not ready, and
     * nothing said why.
     */
    private void awaitReady(int port, Process node) throws IOException {
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .failFast("the node exited", () -> !node.isAlive())
                    .until(() -> get(port, "/actuator/health/readiness").statusCode() == 200);
        } catch (ConditionTimeoutException | TerminalFailureException notReady) {
            String state = node.isAlive() ? "running" : "exited with " + node.exitValue();
            throw new AssertionError("node on port " + port + " not ready (" + state + "); its logs end:\n"
                    + logTails(), notReady);
        }
    }

    private String logTails() throws IOException {
        StringBuilder tails = new StringBuilder();
        try (Stream<Path> logs = Files.list(dataDir)) {
            for (Path log : logs.filter(path -> path.getFileName().toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(log);
                List<String> tail = lines.subList(Math.max(0, lines.size() - 40), lines.size());
                tails.append("== ").append(log.getFileName()).append('\n').append(String.join("\n", tail)).append('\n');
            }
        }
        return tails.toString();
    }

    private static long height(int port) {
        return NodeProcess.chain(port).get("height").asLong();
    }

    private static long balance(int port) {
        return NodeProcess.json(get(port, "/api/wallet")).get("balance").asLong();
    }

    private static HttpResponse<String> get(int port, String path) {
        return NodeProcess.get(port, path);
    }

    private static HttpResponse<String> post(int port, String path, String body) {
        return NodeProcess.post(port, path, "crash-test-api-token", body);
    }

    private static int freePort() throws Exception {
        return NodeProcess.freePort();
    }
}
