package net.tallynet.tracker.member;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;

/** Registration rules against a real (in-memory H2) member table. */
@DataJpaTest(properties = "tallynet.data-dir=target/unused")
class MemberRegistryTest {
    @Autowired
    MemberRepository members;

    private MemberRegistry registry(int max, int burst) {
        MembersProperties properties = new MembersProperties(max, 50, Duration.ofHours(24), 1, burst, 2);
        return new MemberRegistry(members, properties, new MemberMetrics(new SimpleMeterRegistry()), Clock.systemUTC(),
                event -> { });
    }

    @Test
    void memberTableIsBoundedButKnownMembersMayStillRenew() {
        MemberRegistry registry = registry(2, 100);
        assertThat(registry.register("127.0.0.1", 1, "0000000000000001", 1L)).isTrue();
        assertThat(registry.register("127.0.0.1", 2, "0000000000000002", 1L)).isTrue();
        assertThat(registry.register("127.0.0.1", 3, "0000000000000003", 1L)).isFalse();
        assertThat(members.count()).isEqualTo(2);
        assertThat(registry.register("127.0.0.1", 2, "0000000000000022", 1L)).isTrue();
        assertThat(members.findByHostAndPort("127.0.0.1", 2).orElseThrow().nodeId()).isEqualTo("0000000000000022");
        assertThat(registry.sampleFor("127.0.0.9", 9)).hasSize(2);
    }

    @Test
    void registrationRateIsPerHostAndTheHostTableIsBounded() {
        MemberRegistry registry = registry(100, 2);
        assertThat(registry.allowRegistration("127.0.0.1")).isTrue();
        assertThat(registry.allowRegistration("127.0.0.1")).isTrue();
        assertThat(registry.allowRegistration("127.0.0.1")).isFalse();
        assertThat(registry.allowRegistration("127.0.0.2")).isTrue();
        // only 2 hosts are remembered: a third pushes out the least recently seen (127.0.0.1)
        assertThat(registry.allowRegistration("127.0.0.3")).isTrue();
        assertThat(registry.allowRegistration("127.0.0.1")).isTrue();
    }
}
