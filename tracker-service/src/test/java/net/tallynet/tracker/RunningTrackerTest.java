package net.tallynet.tracker;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import net.tallynet.tracker.member.MemberRepository;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
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

    @LocalServerPort
    protected int port;
    @Autowired
    protected MemberRepository members;
    @Autowired
    protected MeterRegistry meters;
}
