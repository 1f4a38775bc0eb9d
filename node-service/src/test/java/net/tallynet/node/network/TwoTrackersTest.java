package net.tallynet.node.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import net.tallynet.node.NodeApplication;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.protocol.message.AddressEntry;
import net.tallynet.tracker.TrackerApplication;
import net.tallynet.tracker.member.MemberRepository;
import net.tallynet.tracker.member.MemberStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * No tracker is a single point of failure (issue 19): nodes register with every tracker they are
 * given; with one of two trackers killed mid-run, the members stay active at the other, and a
 * newcomer given both still registers and finds the network through the one that is up.
 */
class TwoTrackersTest {
    @TempDir
    Path dir;

    @Test
    void aNewcomerJoinsThroughTheTrackerThatIsStillUp() {
        try (ConfigurableApplicationContext first = tracker("t1");
             ConfigurableApplicationContext second = tracker("t2")) {
            String urls = url(first) + "," + url(second);
            try (ConfigurableApplicationContext a = node("a", urls);
                 ConfigurableApplicationContext b = node("b", urls)) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(activeAt(first)).isEqualTo(2);
                    assertThat(activeAt(second)).isEqualTo(2);
                });

                first.close(); // killed mid-run
                try (ConfigurableApplicationContext newcomer = node("c", urls)) {
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                        assertThat(activeAt(second)).as("the newcomer registered where it could").isEqualTo(3);
                        assertThat(newcomer.getBean(AddressBook.class).sample(10)).extracting(AddressEntry::port)
                                .contains(port(a), port(b));
                        assertThat(newcomer.getBean(PeerRegistry.class).established())
                                .anySatisfy(peer -> assertThat(peer.remoteHello().role()).isEqualTo("node"));
                    });
                    // the members keep being checked, and stay active, at the tracker that is up
                    MemberRepository members = second.getBean(MemberRepository.class);
                    assertThat(members.findByHostAndPort("127.0.0.1", port(a)).orElseThrow().status())
                            .isEqualTo(MemberStatus.ACTIVE);
                }
            }
        }
    }

    private ConfigurableApplicationContext tracker(String name) {
        return new SpringApplicationBuilder(TrackerApplication.class).run("--server.port=0",
                "--tallynet.data-dir=" + dir.resolve(name), "--tallynet.checks.interval=500ms",
                "--tallynet.checks.initial-delay=100ms", "--tallynet.checks.timeout=2s", "--tallynet.api.port=0");
    }

    private ConfigurableApplicationContext node(String name, String trackerUrls) {
        return new SpringApplicationBuilder(NodeApplication.class).run("--server.port=0", "--tallynet.api.port=0",
                "--tallynet.data-dir=" + dir.resolve(name), "--tallynet.chain.preset=easy",
                "--tallynet.tracker.urls=" + trackerUrls, "--tallynet.tracker.register-interval=1s",
                "--tallynet.advertised-host=127.0.0.1", "--tallynet.peers.max-outbound-per-netgroup=8");
    }

    private static long activeAt(ConfigurableApplicationContext tracker) {
        return tracker.getBean(MemberRepository.class).countByStatus(MemberStatus.ACTIVE.name());
    }

    private static String url(ConfigurableApplicationContext tracker) {
        return "ws://127.0.0.1:" + port(tracker) + "/p2p";
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
