package net.tallynet.node.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import net.tallynet.node.NodeApplication;
import net.tallynet.p2p.Direction;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.protocol.message.AddressEntry;
import net.tallynet.tracker.TrackerApplication;
import net.tallynet.tracker.member.Member;
import net.tallynet.tracker.member.MemberRepository;
import net.tallynet.tracker.member.MemberStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real tracker and two real nodes on loopback: each node registers with its port, answers the
 * tracker's HELLO checks (so it stays active), learns the other node's address, and registers again
 * on a new connection each interval, the tracker closing each once it has answered.
 */
class TrackerRegistrationTest {
    @TempDir
    Path dir;

    @Test
    void nodesRegisterStayActiveThroughChecksAndLearnEachOther() {
        try (ConfigurableApplicationContext tracker = new SpringApplicationBuilder(TrackerApplication.class).run(
                "--server.port=0", "--tallynet.data-dir=" + dir.resolve("tracker"), "--tallynet.checks.interval=300ms",
                "--tallynet.checks.initial-delay=100ms", "--tallynet.checks.timeout=2s");
             ConfigurableApplicationContext a = node("a", port(tracker));
             ConfigurableApplicationContext b = node("b", port(tracker))) {
            MemberRepository members = tracker.getBean(MemberRepository.class);
            NodeIdentity idA = a.getBean(NodeIdentity.class);
            NodeIdentity idB = b.getBean(NodeIdentity.class);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(members.findByHostAndPort("127.0.0.1", port(a))).get().extracting(Member::nodeId)
                        .isEqualTo(idA.nodeId());
                assertThat(members.findByHostAndPort("127.0.0.1", port(b))).get().extracting(Member::nodeId)
                        .isEqualTo(idB.nodeId());
            });
            MeterRegistry meters = tracker.getBean(MeterRegistry.class);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    meters.find("tallynet.tracker.checks").tag("outcome", "ok").counter().count() >= 6);
            assertThat(members.findByHostAndPort("127.0.0.1", port(a)).orElseThrow().status()).isEqualTo(MemberStatus.ACTIVE);
            assertThat(members.findByHostAndPort("127.0.0.1", port(a)).orElseThrow().consecutiveFailures()).isZero();

            // each learns the other from the tracker's ADDR (a on a renewal, since b registered later)
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(b.getBean(AddressBook.class).sample(10)).extracting(AddressEntry::port).contains(port(a));
                assertThat(a.getBean(AddressBook.class).sample(10)).extracting(AddressEntry::port).contains(port(b));
            });
            // the tracker closes each registration once answered; the nodes register again every second, each
            // time on a new connection, and hold none of its inbound slots in between
            double renewed = meters.find("tallynet.tracker.registrations").tag("kind", "renewed").counter().count();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    meters.find("tallynet.tracker.registrations").tag("kind", "renewed").counter().count() >= renewed + 4);
            await().atMost(Duration.ofSeconds(10)).until(() -> tracker.getBean(PeerRegistry.class).established().stream()
                    .noneMatch(peer -> peer.connection().direction() == Direction.INBOUND));
            assertThat(meters.find("tallynet.connections.closed").tag("reason", "normal").counter().count())
                    .as("closed by the tracker, in good order").isGreaterThanOrEqualTo(renewed + 4);
        }
    }

    private ConfigurableApplicationContext node(String name, int trackerPort) {
        return new SpringApplicationBuilder(NodeApplication.class).run("--server.port=0",
                "--tallynet.data-dir=" + dir.resolve(name), "--tallynet.chain.preset=easy",
                "--tallynet.tracker.urls=ws://127.0.0.1:" + trackerPort + "/p2p", "--tallynet.tracker.register-interval=1s",
                "--tallynet.advertised-host=127.0.0.1");
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
