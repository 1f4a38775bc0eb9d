package net.tallynet.node.network;

import static net.tallynet.node.TestNetwork.count;
import static net.tallynet.node.TestNetwork.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestNetwork;
import net.tallynet.p2p.memory.PeerMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The one peer memory budget (issue 11, PROTOCOL.md 8) over a real socket: a peer whose frame in
 * parts would take it past its share is dropped with {@code memory_budget}, not buffered, and all it
 * held goes back to the budget; an honest peer connected meanwhile is untouched.
 */
class PeerMemoryShareTest {
    @TempDir
    Path dir;

    @Test
    void aPeerPastItsShareIsDroppedAndWhatItHeldGoesBack() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("node", "--tallynet.peers.memory.per-peer=1MB",
                    "--tallynet.peers.ping-timeout=60s");
            PeerMemory memory = node.getBean(PeerMemory.class);
            assertThat(memory.perPeer()).isEqualTo(1024 * 1024);
            try (RawPeer honest = RawPeer.handshaken(port(node), "127.0.3.1", "0000000000000301");
                 RawPeer greedy = RawPeer.handshaken(port(node), "127.0.3.2", "0000000000000302")) {
                long heldWithTwoPeers = memory.used();
                assertThat(memory.used(PeerMemory.Part.CONNECTION)).as("fixed state of two connections").isPositive();

                // 1.5 MB of one frame, under the 4 MiB frame limit but over the 1 MB share
                byte[] part = " ".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
                greedy.sendFragment(1, "{\"ADDR\":{\"addresses\":[".getBytes(StandardCharsets.US_ASCII), false);
                RawPeer.Frame close = null;
                for (int i = 0; i < 15 && close == null; i++) {
                    try {
                        greedy.sendFragment(0, part, false);
                    } catch (java.io.IOException closedWhileSending) {
                        break;
                    }
                }
                close = greedy.awaitClose(Duration.ofSeconds(10));
                assertThat(close).isNotNull();
                assertThat(close.closeReason()).isEqualTo("memory_budget");
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    assertThat(memory.used(PeerMemory.Part.ASSEMBLING)).isZero();
                    assertThat(memory.used()).isLessThan(heldWithTwoPeers);
                });

                honest.send(net.tallynet.protocol.message.GetBlockMessage.byNumber(0));
                assertThat(honest.next(net.tallynet.protocol.message.BlockMessage.class, Duration.ofSeconds(5)))
                        .as("the honest peer is still served").isNotNull();
            }
            assertThat(count(node, "tallynet.connections.closed", "reason", "memory_budget")).isEqualTo(1);
            MeterRegistry meters = node.getBean(MeterRegistry.class);
            assertThat(meters.get("tallynet.peers.memory.share").gauge().value()).isEqualTo(1024 * 1024);
        }
    }
}
