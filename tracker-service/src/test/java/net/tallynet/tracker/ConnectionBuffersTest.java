package net.tallynet.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletContext;
import jakarta.websocket.server.ServerContainer;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * What a connection to the P2P port allocates, which a registration wave pays once per member (issue 19, an
 * allocation profile): the WebSocket text buffer is the tracker's 2 KiB, not the node's 16 KiB, and closed
 * connections' socket buffers are kept for the next ones (Tomcat keeps none unless the heap may pass 2 GiB).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "tallynet.checks.enabled=false")
class ConnectionBuffersTest extends RunningTrackerTest {
    @Autowired
    WebServerApplicationContext context;
    @Autowired
    ServletContext servletContext;

    @Test
    void theWebSocketTextBufferIsTheTrackersSmallOne() {
        ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
        assertThat(container.getDefaultMaxTextMessageBufferSize()).isEqualTo(2048);
    }

    @Test
    void theP2pPortKeepsClosedConnectionsSocketBuffers() {
        Connector p2p = ((TomcatWebServer) context.getWebServer()).getTomcat().getConnector();
        assertThat(p2p.getLocalPort()).isEqualTo(port);
        assertThat(String.valueOf(p2p.getProperty("socket.bufferPool"))).isEqualTo("128");
    }
}
