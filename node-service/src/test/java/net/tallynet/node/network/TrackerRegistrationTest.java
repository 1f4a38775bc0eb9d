package net.tallynet.node.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import net.tallynet.node.NodeApplication;
import net.tallynet.node.api.PeerController;
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
 * tracker's HELLO checks (so it stays active), and learns the other node's address.
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
            assertThat(a.getBean(PeerController.class).peers())
                    .anySatisfy(peer -> {
                        assertThat(peer.role()).isEqualTo("tracker");
                        assertThat(peer.direction()).isEqualTo("outbound");
                        assertThat(peer.port()).isEqualTo(port(tracker));
                    });
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
