package net.tallynet.tracker;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import net.tallynet.p2p.http.ApiServer;
import net.tallynet.tracker.member.MemberRepository;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the tests against a running tracker (subclasses add {@code @SpringBootTest} with their
 * settings): its H2 files go to a fresh directory per test class, never to ./data.
 */
public abstract class RunningTrackerTest {
    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("tallynet.data-dir", () -> dataDir.toString());
    }

    /** The P2P port ({@code server.port}): members register here; it serves only {@code /p2p}. */
    @LocalServerPort
    protected int port;
    /** The API port: REST, the dashboard and actuator. */
    @Value("${" + ApiServer.LOCAL_PORT_PROPERTY + "}")
    protected int apiPort;
    @Autowired
    protected MemberRepository members;
    @Autowired
    protected MeterRegistry meters;
}
