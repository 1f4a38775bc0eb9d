package net.tallynet.node.network;

import static net.tallynet.node.TestNetwork.port;
import static net.tallynet.node.TestNetwork.trackerUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.TornCommits;
import net.tallynet.tracker.member.MemberRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The tracker's store gets the node's repair after a kill in the middle of an H2 commit (UncommittedEntrySweep):
 * a member's row left marked by a transaction gone with the process is there again at the next start, not
 * invisible until the member registers again (or, if its insert meets a session with the dead transaction's id,
 * refused after a lock timeout).
 */
class TrackerStoreAfterKillTest {
    @TempDir
    Path dir;

    @Test
    void aMemberRowLeftMarkedUncommittedIsThereAfterTheRestart() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext tracker = network.tracker("tracker");
            ConfigurableApplicationContext node = network.node("node", trackerUrl(tracker), "--tallynet.peers.max-outbound=0");
            int nodePort = port(node);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    tracker.getBean(MemberRepository.class).findByHostAndPort("127.0.0.1", nodePort).isPresent());
            network.stop(node); // registers no more
            // its file as the running tracker names it (from this class path it reads the node's application.yml)
            String url = tracker.getBean(HikariDataSource.class).getJdbcUrl();
            Path database = Path.of(url.substring("jdbc:h2:file:".length(), url.indexOf(';')));
            network.stop(tracker);

            TornCommits.Marked marked = TornCommits.markRowAndKill(database, "members",
                    "host = '127.0.0.1' and port = " + nodePort, 2);
            assertThat(marked.entries()).isEqualTo(marked.maps()).isGreaterThan(1);

            ConfigurableApplicationContext restarted = network.tracker("tracker");
            assertThat(restarted.getBean(MemberRepository.class).findByHostAndPort("127.0.0.1", nodePort)).isPresent();
        }
    }
}
