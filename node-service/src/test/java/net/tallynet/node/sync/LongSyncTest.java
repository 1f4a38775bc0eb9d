package net.tallynet.node.sync;

import static net.tallynet.node.TestNetwork.chain;
import static net.tallynet.node.TestNetwork.count;
import static net.tallynet.node.TestNetwork.port;
import static net.tallynet.node.TestNetwork.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.mining.Miner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A new member syncs 1,000 blocks from genesis: first from one peer, then a third member from two
 * peers at once, fetching from both (PROTOCOL.md 7.3), and ends with the same unspent outputs.
 */
class LongSyncTest {
    @TempDir
    Path dir;

    @Test
    void newMembersSyncAThousandBlocksFromGenesisFetchingFromEveryPeer() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext a = network.node("a");
            a.getBean(Miner.class).generate(1000, null);
            String tip = chain(a).tip().hash();

            ConfigurableApplicationContext b = network.node("b", seed(a));
            await().atMost(Duration.ofSeconds(180)).untilAsserted(() -> assertThat(chain(b).tip().hash()).isEqualTo(tip));
            assertThat(chain(b).tip().number()).isEqualTo(1000);
            assertThat(count(b, "tallynet.frames.received", "method", "BLOCK")).isEqualTo(1000);

            double fromA = count(a, "tallynet.frames.sent", "method", "BLOCK");
            double fromB = count(b, "tallynet.frames.sent", "method", "BLOCK");
            ConfigurableApplicationContext c = network.node("c",
                    "--tallynet.peers.seeds=127.0.0.1:" + port(a) + ",127.0.0.1:" + port(b));
            await().atMost(Duration.ofSeconds(180)).untilAsserted(() -> assertThat(chain(c).tip().hash()).isEqualTo(tip));

            double servedByA = count(a, "tallynet.frames.sent", "method", "BLOCK") - fromA;
            double servedByB = count(b, "tallynet.frames.sent", "method", "BLOCK") - fromB;
            assertThat(servedByA).as("blocks a served to c").isPositive();
            assertThat(servedByB).as("blocks b served to c").isPositive();
            assertThat(servedByA + servedByB).isGreaterThanOrEqualTo(1000);
            assertThat(TestNetwork.utxoSet(c)).isEqualTo(TestNetwork.utxoSet(a));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                MeterRegistry meters = c.getBean(MeterRegistry.class);
                assertThat(meters.get("tallynet.sync.progress").gauge().value()).isEqualTo(1.0);
                assertThat(meters.get("tallynet.sync.target.height").gauge().value()).isEqualTo(1000);
            });
            assertThat(c.getBean(MeterRegistry.class).get("tallynet.fetch.latency").timer().count())
                    .isGreaterThanOrEqualTo(1000);
        }
    }
}
