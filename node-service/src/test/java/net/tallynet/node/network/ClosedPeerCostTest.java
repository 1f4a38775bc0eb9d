package net.tallynet.node.network;

import static net.tallynet.node.TestNetwork.port;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A peer we have closed costs nothing more (found by the flood harness): the node stops reading it at
 * once and closes the socket after {@code tallynet.peers.close-grace} even if the peer never answers
 * the close and keeps sending. Before, Tomcat read, unmasked and discarded its frames for 30 s or more
 * while waiting for its close frame, and 40 such flooders took both cores.
 */
class ClosedPeerCostTest {
    @TempDir
    Path dir;

    @Test
    void aClosedPeerThatKeepsSendingIsCutOffAfterTheGrace() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("n", "--tallynet.peers.max-outbound=0",
                    "--tallynet.peers.close-grace=1s");
            try (RawPeer peer = RawPeer.handshaken(port(node), "127.0.0.71", "0000000000000071")) {
                peer.sendFrame(2, new byte[] {1, 2, 3}); // binary: closed at once (1008 binary_frame)
                RawPeer.Frame close = peer.next(Duration.ofSeconds(5));
                assertThat(close).isNotNull();
                assertThat(close.opcode()).isEqualTo(8);
                assertThat(close.closeReason()).isEqualTo("binary_frame");

                // never answer the close; keep sending until the node's socket is gone
                long start = System.nanoTime();
                String junk = "{\"PING\":{}}".repeat(100);
                CompletableFuture<Long> cutOff = CompletableFuture.supplyAsync(() -> {
                    try {
                        while (true) {
                            peer.sendText(junk);
                            Thread.sleep(2);
                        }
                    } catch (IOException e) {
                        return (System.nanoTime() - start) / 1_000_000;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return -1L;
                    }
                });
                long millis = cutOff.get(20, TimeUnit.SECONDS);
                // the grace, plus up to a second for the container's check, plus slack for a busy machine
                assertThat(millis).as("ms until the socket was closed").isBetween(0L, 6_000L);
            }
        }
    }
}
