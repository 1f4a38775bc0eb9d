package net.tallynet.node.network;

import static net.tallynet.node.TestNetwork.chain;
import static net.tallynet.node.TestNetwork.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.mining.Miner;
import net.tallynet.p2p.PeerRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A node learns its peers from the tracker and keeps them in its H2 address book; restarted while
 * the tracker is down, it rejoins from that book alone (PROTOCOL.md 7.6).
 */
class RejoinWithoutTrackerTest {
    @TempDir
    Path dir;

    @Test
    void aRestartedNodeRejoinsFromItsAddressBookWhenTheTrackerIsDown() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext tracker = network.tracker("tracker");
            String trackerUrl = TestNetwork.trackerUrl(tracker);
            ConfigurableApplicationContext a = network.node("a", trackerUrl, "--tallynet.advertised-host=127.0.0.1");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(a.getBean(PeerRegistry.class).established()).isNotEmpty()); // the tracker
            ConfigurableApplicationContext b = network.node("b", trackerUrl, "--tallynet.advertised-host=127.0.0.1");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(b.getBean(AddressBook.class).addresses()).contains("127.0.0.1:" + port(a)));
            a.getBean(Miner.class).generate(3, null);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(chain(b).tip().hash()).isEqualTo(chain(a).tip().hash()));

            network.stop(b);
            network.stop(tracker);
            a.getBean(Miner.class).generate(2, null);

            // same data directory, tracker unreachable
            ConfigurableApplicationContext again = network.node("b", trackerUrl, "--tallynet.advertised-host=127.0.0.1");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(chain(again).tip().hash()).isEqualTo(chain(a).tip().hash()));
            assertThat(again.getBean(PeerRegistry.class).established())
                    .anySatisfy(peer -> assertThat(peer.remoteHello().port()).isEqualTo(port(a)));
        }
    }
}
