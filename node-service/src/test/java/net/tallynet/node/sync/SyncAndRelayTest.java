package net.tallynet.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import net.tallynet.node.NodeApplication;
import java.util.List;
import net.tallynet.node.chain.Chain;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.node.wallet.Wallet;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.node.mining.Miner;
import net.tallynet.tracker.TrackerApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Real nodes and a tracker on loopback: a new member finds the others through the tracker, syncs
 * its chain from genesis, and then receives newly mined blocks by relay, whoever mines them.
 */
class SyncAndRelayTest {
    @TempDir
    Path dir;

    @Test
    void newMemberSyncsFromGenesisThenFollowsByRelay() throws Exception {
        try (ConfigurableApplicationContext tracker = new SpringApplicationBuilder(TrackerApplication.class).run(
                "--server.port=0", "--tallynet.data-dir=" + dir.resolve("tracker"), "--tallynet.checks.enabled=false");
             ConfigurableApplicationContext a = node("a", port(tracker))) {
            a.getBean(Miner.class).generate(250, null);
            Chain chainA = a.getBean(Chain.class);
            assertThat(chainA.tip().number()).isEqualTo(250);

            try (ConfigurableApplicationContext b = node("b", port(tracker))) {
                Chain chainB = b.getBean(Chain.class);
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(chainB.tip().hash()).isEqualTo(chainA.tip().hash()));

                a.getBean(Miner.class).generate(1, null);
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(chainB.tip().number()).isEqualTo(251);
                    assertThat(chainB.tip().hash()).isEqualTo(chainA.tip().hash());
                });

                // and the other way round: b mines, a follows
                b.getBean(Miner.class).generate(2, null);
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                        assertThat(chainA.tip().hash()).isEqualTo(chainB.tip().hash()));
                assertThat(chainA.tip().number()).isEqualTo(253);

                // a third member: syncs, then blocks mined on either of the others reach all three
                try (ConfigurableApplicationContext c = node("c", port(tracker))) {
                    Chain chainC = c.getBean(Chain.class);
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                            assertThat(chainC.tip().hash()).isEqualTo(chainA.tip().hash()));
                    // each block reaches everyone before the next is mined elsewhere (racing miners fork;
                    // converging after a fork is a test of its own)
                    for (int i = 0; i < 5; i++) {
                        ConfigurableApplicationContext miner = i % 2 == 0 ? a : b;
                        String mined = miner.getBean(Miner.class).generate(1, null).getFirst();
                        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                            assertThat(chainA.tip().hash()).isEqualTo(mined);
                            assertThat(chainB.tip().hash()).isEqualTo(mined);
                            assertThat(chainC.tip().hash()).isEqualTo(mined);
                        });
                    }
                    assertThat(chainC.tip().number()).isEqualTo(258);

                    // a payment handed to c reaches every mempool, and is mined by a into a block all three accept
                    Wallet walletC = c.getBean(Wallet.class);
                    String coinbases = c.getBean(Miner.class).generate(3, null).getLast();
                    // the payment spends those coinbases: a node it reaches before their blocks refuses it as
                    // unknown_input and, with no orphan pool, nobody offers it again (a race, not relay, failed
                    // this test in full runs)
                    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                        assertThat(chainA.tip().hash()).isEqualTo(coinbases);
                        assertThat(chainB.tip().hash()).isEqualTo(coinbases);
                    });
                    Transaction payment = walletC.pay(a.getBean(Wallet.class).address(), 12_345, 100);
                    c.getBean(Ledger.class).acceptTransaction(payment);
                    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                        assertThat(a.getBean(Mempool.class).find(payment.id())).isPresent();
                        assertThat(b.getBean(Mempool.class).find(payment.id())).isPresent();
                    });
                    String block = a.getBean(Miner.class).generate(1, null).getFirst();
                    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                        for (ConfigurableApplicationContext node : List.of(a, b, c)) {
                            assertThat(node.getBean(Chain.class).tip().hash()).isEqualTo(block);
                            assertThat(node.getBean(Mempool.class).size()).isZero();
                        }
                    });
                }
            }
        }
    }

    private ConfigurableApplicationContext node(String name, int trackerPort) {
        return new SpringApplicationBuilder(NodeApplication.class).run("--server.port=0",
                "--tallynet.data-dir=" + dir.resolve(name), "--tallynet.chain.preset=easy",
                "--tallynet.tracker.urls=ws://127.0.0.1:" + trackerPort + "/p2p", "--tallynet.tracker.register-interval=1s",
                "--tallynet.peers.connect-interval=500ms", "--tallynet.advertised-host=127.0.0.1");
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
