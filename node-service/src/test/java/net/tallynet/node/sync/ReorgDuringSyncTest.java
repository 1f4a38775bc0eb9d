package net.tallynet.node.sync;

import static net.tallynet.node.TestNetwork.chain;
import static net.tallynet.node.TestNetwork.port;
import static net.tallynet.node.TestNetwork.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.mining.Miner;
import net.tallynet.node.network.PeerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The peer a new member syncs from switches to a branch with more work in the middle of that sync:
 * the member follows it, ending on the new branch with the same unspent outputs.
 */
class ReorgDuringSyncTest {
    @TempDir
    Path dir;

    @Test
    void aReorganisationAtThePeerDuringSyncIsFollowed() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext a = network.node("a", "--tallynet.peers.max-outbound=0");
            ConfigurableApplicationContext b = network.node("b", "--tallynet.peers.max-outbound=0");
            a.getBean(Miner.class).generate(1500, null);
            b.getBean(Miner.class).generate(1600, null); // another branch from genesis, with more work
            String winner = chain(b).tip().hash();

            ConfigurableApplicationContext c = network.node("c", seed(a), "--tallynet.peers.max-outbound=1");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> chain(c).tip().number() >= 50);
            assertThat(chain(c).tip().number()).as("still syncing a's branch").isLessThan(1500);

            // a learns b's branch and reorganises while c is still fetching a's old one
            a.getBean(PeerConnector.class).connect(URI.create("ws://127.0.0.1:" + port(b) + "/p2p")).get();
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(chain(a).tip().hash()).isEqualTo(winner);
                assertThat(chain(c).tip().hash()).isEqualTo(winner);
            });
            assertThat(TestNetwork.utxoSet(c)).isEqualTo(TestNetwork.utxoSet(b));
        }
    }
}
