package net.tallynet.node.network;

import static net.tallynet.node.TestNetwork.count;
import static net.tallynet.node.TestNetwork.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestNetwork;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.tracker.member.MemberRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Outbound connections against hostile listeners (security review item 3): every connection the
 * node opened counts against {@code max-outbound} until it closes, handshaken or not, and an address
 * from seeds or gossip that answers as a "tracker" is refused, so it is never registered with.
 */
class HostileOutboundTest {
    @TempDir
    Path dir;

    @Test
    void aDialledNodeThatClaimsToBeATrackerIsClosedAndNeverRegisteredWith() {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext tracker = network.tracker("tracker");
            ConfigurableApplicationContext node = network.node("n", "--tallynet.peers.max-outbound=1",
                    "--tallynet.peers.seeds=127.0.0.1:" + port(tracker));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(count(node, "tallynet.connections.closed", "reason", "unexpected_role")).isPositive());
            assertThat(node.getBean(PeerRegistry.class).established()).isEmpty();
            assertThat(tracker.getBean(MemberRepository.class).count()).isZero();
        }
    }

    @Test
    void connectionsStillInTheHandshakeCountAgainstMaxOutbound() throws Exception {
        List<SilentListener> listeners = new ArrayList<>();
        AtomicInteger accepted = new AtomicInteger();
        try (TestNetwork network = new TestNetwork(dir)) {
            List<String> seeds = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                SilentListener listener = new SilentListener(accepted);
                listeners.add(listener);
                seeds.add("127.0.0.1:" + listener.port());
            }
            // connect-interval 300 ms: ten rounds of dialling while the silent connections stay open
            // (the handshake timeout, 10 s, has not closed them yet)
            ConfigurableApplicationContext node = network.node("n", "--tallynet.peers.max-outbound=2",
                    "--tallynet.peers.seeds=" + String.join(",", seeds));
            await().atMost(Duration.ofSeconds(10)).until(() -> accepted.get() >= 2);
            Thread.sleep(3000);
            assertThat(accepted).hasValue(2);
            assertThat(node.getBean(PeerRegistry.class).established()).isEmpty();
        } finally {
            for (SilentListener listener : listeners) {
                listener.close();
            }
        }
    }

    /** Accepts the WebSocket upgrade on 127.0.0.1 and then says nothing, keeping every socket open. */
    private static final class SilentListener implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        SilentListener(AtomicInteger accepted) throws IOException {
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Socket socket = server.accept();
                        sockets.add(socket);
                        upgrade(socket);
                        accepted.incrementAndGet();
                    }
                } catch (IOException | NoSuchAlgorithmException closed) {
                    // the test is over
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private static void upgrade(Socket socket) throws IOException, NoSuchAlgorithmException {
            String head = RawPeer.readHttpHead(socket.getInputStream());
            String key = head.lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                    .findFirst().orElseThrow().substring("sec-websocket-key:".length()).trim();
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + Base64.getEncoder().encodeToString(digest)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
