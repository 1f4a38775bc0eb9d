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
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestBlocks;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.node.mining.Miner;
import net.tallynet.node.wallet.Wallet;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.message.BroadcastTransactionMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The node's own transactions are offered again until a block carries them ({@link OwnTransactions}). Before,
 * a payment restored into the mempool at start, or accepted while the node had no peer, was announced to
 * nobody (a peer is announced only what arrives after its handshake), and one a peer failed to take the
 * first time (still syncing, or its request unanswered) was never offered again.
 */
class RebroadcastTest {
    @TempDir
    Path dir;

    @Test
    void aPaymentRestoredAtStartReachesAPeerThatConnectsWhileSyncing() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            String[] options = {"--tallynet.peers.max-outbound=0", "--tallynet.relay.rebroadcast-interval=2s"};
            ConfigurableApplicationContext payer = network.node("payer", options);
            Transaction payment = payment(payer);
            network.stop(payer);
            ConfigurableApplicationContext restarted = network.node("payer", options); // the payment back in its mempool
            assertThat(restarted.getBean(Mempool.class).find(payment.id())).isPresent();
            assertThat(own(restarted)).isEqualTo(1);

            // announced at the handshake, when the new peer lacks the blocks the payment spends from; offered
            // again 2 s later, when it has them
            ConfigurableApplicationContext peer = network.node("peer", seed(restarted), "--tallynet.peers.max-outbound=1");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(peer.getBean(Mempool.class).find(payment.id())).isPresent());
            assertThat(count(restarted, "tallynet.transactions.rebroadcast")).isPositive();

            // a block carries it: nothing more to offer
            String block = peer.getBean(Miner.class).generate(1, null).getFirst();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(chain(restarted).tip().hash()).isEqualTo(block);
                assertThat(own(restarted)).isZero();
            });
        }
    }

    @Test
    void aPeerIsAnnouncedThePendingPaymentsAtItsHandshake() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext payer = network.node("payer", "--tallynet.peers.max-outbound=0",
                    "--tallynet.relay.rebroadcast-interval=10m");
            Transaction payment = payment(payer);
            var tip = chain(payer).tip();
            try (RawPeer peer = RawPeer.handshaken(port(payer), "127.0.0.52", "0000000000000052", tip.number() + 1, tip.hash())) {
                BroadcastTransactionMessage announced = peer.next(BroadcastTransactionMessage.class, Duration.ofSeconds(5));
                assertThat(announced).isNotNull();
                assertThat(announced.ids()).containsExactly(payment.id());
            }
            assertThat(count(payer, "tallynet.transactions.rebroadcast")).isEqualTo(1);
        }
    }

    @Test
    void aPaymentIsAnnouncedAgainEachIntervalUntilABlockCarriesIt() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext payer = network.node("payer", "--tallynet.peers.max-outbound=0",
                    "--tallynet.relay.rebroadcast-interval=1s");
            try (RawPeer peer = RawPeer.handshaken(port(payer), "127.0.0.51", "0000000000000051")) {
                Transaction payment = payment(payer);
                // announced as it arrives, then again about each second: the peer never asks for it
                for (int i = 0; i < 3; i++) {
                    BroadcastTransactionMessage announced = peer.next(BroadcastTransactionMessage.class, Duration.ofSeconds(5));
                    assertThat(announced).as("announcement %d", i + 1).isNotNull();
                    assertThat(announced.ids()).containsExactly(payment.id());
                }
                assertThat(count(payer, "tallynet.transactions.rebroadcast")).isGreaterThanOrEqualTo(2);

                payer.getBean(Miner.class).generate(1, null);
                assertThat(payer.getBean(Mempool.class).find(payment.id())).isEmpty();
                assertThat(own(payer)).isZero();
                // an announcement already on its way may still come, then no more
                peer.next(BroadcastTransactionMessage.class, Duration.ofMillis(1500));
                assertThat(peer.next(BroadcastTransactionMessage.class, Duration.ofMillis(2500))).isNull();
            }
        }
    }

    /** A payment from the node's wallet, accepted as its REST API accepts one (no peer as its source). */
    private static Transaction payment(ConfigurableApplicationContext payer) throws Exception {
        payer.getBean(Miner.class).generate(2, null);
        Transaction payment = payer.getBean(Wallet.class)
                .pay(TestBlocks.address(Ed25519Keys.newSecretKey()), 1_000, 100);
        payer.getBean(Ledger.class).acceptTransaction(payment);
        return payment;
    }

    private static double own(ConfigurableApplicationContext node) {
        return node.getBean(MeterRegistry.class).get("tallynet.transactions.own").gauge().value();
    }
}
