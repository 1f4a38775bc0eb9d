package net.tallynet.tracker.api;

import static net.tallynet.tracker.TrackerTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import net.tallynet.tracker.RunningTrackerTest;
import net.tallynet.tracker.TestPeer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Operating contract, "Ports": the P2P port serves only the WebSocket endpoint, the API port
 * everything else (REST, the dashboard, actuator) and no peer sessions.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "tallynet.checks.enabled=false")
class PortsTest extends RunningTrackerTest {

    @Test
    void theP2pPortServesOnlyTheWebSocketEndpoint() {
        assertThat(apiPort).isPositive().isNotEqualTo(port);
        for (String path : new String[] {"/api/members", "/api/peers/bans", "/", "/tracker.js", "/actuator/health",
                "/actuator/prometheus"}) {
            assertThat(get(port, path).statusCode()).as(path).isEqualTo(404);
            assertThat(get(apiPort, path).statusCode()).as(path).isNotEqualTo(404);
        }
        assertThat(get(port, "/api/events").statusCode()).isEqualTo(404); // on the API port, a stream
        assertThat(get(port, "/error").statusCode()).isEqualTo(404);
        try (TestPeer peer = TestPeer.handshaken(port, "d0d0d0d0d0d0d0d0", 9901)) {
            assertThat(peer).isNotNull();
        }
    }

    @Test
    void theApiPortOpensNoPeerSession() {
        assertThat(get(apiPort, "/p2p").statusCode()).isEqualTo(404);
        assertThatThrownBy(() -> TestPeer.connect(apiPort, "d1d1d1d1d1d1d1d1")).isNotNull();
    }

    /** tallynet.api.address defaults to loopback: on another address of this machine only the P2P port answers. */
    @Test
    void theApiPortListensOnLoopbackByDefault() throws IOException {
        InetAddress other = nonLoopbackAddress();
        assumeTrue(other != null, "this machine has no non-loopback IPv4 address");
        try (Socket p2p = new Socket(other, port)) {
            assertThat(p2p.isConnected()).isTrue();
        }
        assertThatThrownBy(() -> new Socket(other, apiPort).close()).isInstanceOf(IOException.class);
    }

    private static InetAddress nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces().filter(nic -> {
            try {
                return nic.isUp() && !nic.isLoopback();
            } catch (SocketException e) {
                return false;
            }
        }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .findFirst().orElse(null);
    }
}
