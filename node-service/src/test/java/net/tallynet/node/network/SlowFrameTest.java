package net.tallynet.node.network;

import static net.tallynet.node.TestNetwork.count;
import static net.tallynet.node.TestNetwork.port;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A peer that starts a large frame and never finishes it (or trickles it) holds its part of the
 * assembly budget only until {@code tallynet.peers.frame-time-limit}: then it is closed as
 * {@code slow_frame}. Before, it held up to 4 MiB for as long as it kept the connection open.
 */
class SlowFrameTest {
    @TempDir
    Path dir;

    @Test
    void aFrameLeftUnfinishedIsClosedAfterTheFrameTimeLimit() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("n", "--tallynet.peers.max-outbound=0",
                    "--tallynet.peers.frame-time-limit=1s", "--tallynet.peers.ping-interval=300ms",
                    "--tallynet.peers.ping-timeout=60s");
            try (RawPeer peer = RawPeer.handshaken(port(node), "127.0.0.81", "0000000000000081")) {
                // 40 KB of a frame, more than the 16 KiB receive buffer, and then nothing more
                peer.sendFragment(1, ("{\"ADDR\":{\"addresses\":[" + " ".repeat(40_000)).getBytes(StandardCharsets.US_ASCII),
                        false);
                long start = System.nanoTime();
                RawPeer.Frame close = null;
                while (close == null && System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
                    RawPeer.Frame frame = peer.next(Duration.ofSeconds(10));
                    if (frame != null && frame.opcode() == 9) {
                        peer.sendFrame(10, frame.payload()); // answer pings, as a live peer does
                    } else if (frame != null && frame.opcode() == 8) {
                        close = frame;
                    }
                }
                assertThat(close).as("closed within 10 s").isNotNull();
                assertThat(close.closeReason()).isEqualTo("slow_frame");
            }
            assertThat(count(node, "tallynet.connections.closed", "reason", "slow_frame")).isEqualTo(1);
        }
    }
}
