package net.tallynet.node.api;

import java.nio.file.Path;
import net.tallynet.p2p.http.ApiServer;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the REST tests against a running node (subclasses add {@code @SpringBootTest} with their
 * settings): its H2 files and wallet go to a fresh directory per test class, never to ./data.
 */
public abstract class RunningNodeTest {
    @TempDir
    protected static Path dataDir;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("tallynet.data-dir", () -> dataDir.toString());
    }

    /** The API port: REST, the dashboard and actuator (the P2P port serves only {@code /p2p}). */
    @Value("${" + ApiServer.LOCAL_PORT_PROPERTY + "}")
    protected int port;
    /** The P2P port ({@code server.port}). */
    @LocalServerPort
    protected int p2pPort;
}
