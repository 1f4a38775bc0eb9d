package net.tallynet.tracker.member;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.GetAddrMessage;
import net.tallynet.tracker.TestPeer;
import net.tallynet.tracker.TrackerApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Members live in H2 files in the data directory: a restarted tracker still knows them. */
class MemberRestartTest {
    @TempDir
    Path dataDir;

    @Test
    void membersAndTheirStateSurviveARestart() {
        try (ConfigurableApplicationContext first = start()) {
            int port = ((WebServerApplicationContext) first).getWebServer().getPort();
            try (TestPeer peer = TestPeer.handshaken(port, "d0d0d0d0d0d0d0d0", 9901)) {
                peer.send(new GetAddrMessage(9901));
                assertThat(peer.next()).isInstanceOf(AddrMessage.class);
            }
            MemberRepository members = first.getBean(MemberRepository.class);
            Member member = members.findByHostAndPort("127.0.0.1", 9901).orElseThrow();
            members.recordFailure(List.of(member.id()));
        }
        assertThat(Files.exists(dataDir.resolve("tracker.mv.db"))).isTrue();

        try (ConfigurableApplicationContext second = start()) {
            Member member = second.getBean(MemberRepository.class).findByHostAndPort("127.0.0.1", 9901).orElseThrow();
            assertThat(member.nodeId()).isEqualTo("d0d0d0d0d0d0d0d0");
            assertThat(member.status()).isEqualTo(MemberStatus.ACTIVE);
            assertThat(member.consecutiveFailures()).isEqualTo(1);
            // the active index (ADDR answers, the member cap) holds it before any check round
            assertThat(second.getBean(MemberRegistry.class).sampleFor("127.0.0.9", 1))
                    .extracting(ActiveMembers.ActiveMember::port).containsExactly(9901);
        }
    }

    /** What {@code ./tallynet devnet} passes: a directory relative to the working directory, which H2 alone refuses. */
    @Test
    void aRelativeDataDirectoryIsResolvedAgainstTheWorkingDirectory() {
        String relative = "target/relative-data-dir/tracker-" + System.nanoTime();
        try (ConfigurableApplicationContext tracker = start(relative)) {
            assertThat(Path.of(relative, "tracker.mv.db").toAbsolutePath()).exists();
        }
    }

    private ConfigurableApplicationContext start() {
        return start(dataDir.toString());
    }

    private ConfigurableApplicationContext start(String dataDir) {
        return new SpringApplicationBuilder(TrackerApplication.class)
                .run("--server.port=0", "--tallynet.data-dir=" + dataDir, "--tallynet.checks.enabled=false");
    }
}
