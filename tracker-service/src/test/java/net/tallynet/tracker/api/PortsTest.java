package net.tallynet.tracker.api;

import static net.tallynet.tracker.TrackerTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
