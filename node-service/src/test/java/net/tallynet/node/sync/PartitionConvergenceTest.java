package net.tallynet.node.sync;

import static net.tallynet.node.TestNetwork.chain;
import static net.tallynet.node.TestNetwork.port;
import static net.tallynet.node.TestNetwork.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.chain.StoredHeader;
import net.tallynet.node.mining.Miner;
import net.tallynet.node.network.PeerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two halves of a network mine apart, then one link joins them: every node ends on the branch with
 * the most work, with the same unspent outputs, whichever half it was in.
 */
class PartitionConvergenceTest {
    @TempDir
    Path dir;

    @Test
    void halvesThatMinedApartConvergeOnTheMostWorkChain() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext a = network.node("a", "--tallynet.peers.max-outbound=0");
            ConfigurableApplicationContext b = network.node("b", seed(a), "--tallynet.peers.max-outbound=1");
            ConfigurableApplicationContext c = network.node("c", "--tallynet.peers.max-outbound=0");
            ConfigurableApplicationContext d = network.node("d", seed(c), "--tallynet.peers.max-outbound=1");
            List<ConfigurableApplicationContext> all = List.of(a, b, c, d);

            a.getBean(Miner.class).generate(3, null);
            c.getBean(Miner.class).generate(6, null);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(chain(b).tip().hash()).isEqualTo(chain(a).tip().hash());
                assertThat(chain(d).tip().hash()).isEqualTo(chain(c).tip().hash());
            });
            assertThat(chain(a).tip().hash()).isNotEqualTo(chain(c).tip().hash());
            StoredHeader best = work(chain(a).tip()).compareTo(work(chain(c).tip())) > 0 ? chain(a).tip() : chain(c).tip();

            // the partition ends: b dials c
            b.getBean(PeerConnector.class).connect(URI.create("ws://127.0.0.1:" + port(c) + "/p2p")).get();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (ConfigurableApplicationContext node : all) {
                    assertThat(chain(node).tip().hash()).isEqualTo(best.hash());
                }
            });
            for (ConfigurableApplicationContext node : all) {
                assertThat(TestNetwork.utxoSet(node)).isEqualTo(TestNetwork.utxoSet(c));
            }

            // and they stay one network: a block mined on the losing side's miner reaches everyone
            String next = a.getBean(Miner.class).generate(1, null).getFirst();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (ConfigurableApplicationContext node : all) {
                    assertThat(chain(node).tip().hash()).isEqualTo(next);
                }
            });
        }
    }

    private static BigInteger work(StoredHeader block) {
        return new BigInteger(block.chainWork(), 16);
    }
}
