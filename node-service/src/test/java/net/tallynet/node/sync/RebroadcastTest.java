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
import java.util.List;
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
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.PushTransactionMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The node's own transactions are announced again until a peer asks for them ({@link UnbroadcastTransactions}).
 * Before, a payment restored into the mempool at start, or accepted while the node had no peer, was announced
 * to nobody (a peer is announced only what arrives after its handshake), and one whose announcement nobody
 * took up was never offered again.
 */
class RebroadcastTest {
    @TempDir
    Path dir;

    @Test
    void aPaymentRestoredAtStartReachesAPeerThatConnectsLater() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            String[] options = {"--tallynet.peers.max-outbound=0", "--tallynet.relay.rebroadcast-interval=2s"};
            ConfigurableApplicationContext payer = network.node("payer", options);
            payer.getBean(Miner.class).generate(2, null);
            ConfigurableApplicationContext peer = network.node("peer", seed(payer), "--tallynet.peers.max-outbound=1");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(chain(peer).tip().hash()).isEqualTo(chain(payer).tip().hash()));
            network.stop(peer);

            // accepted with no peer, then the payer restarts: the payment is back in its mempool, announced to nobody
            Transaction payment = pay(payer);
            network.stop(payer);
            ConfigurableApplicationContext restarted = network.node("payer", options);
            assertThat(restarted.getBean(Mempool.class).find(payment.id())).isPresent();
            assertThat(unbroadcast(restarted)).isEqualTo(1);

            // the peer comes back (caught up): a peer is announced only what arrives after its handshake, so only
            // the rebroadcast tells it of the payment (the payment at least 2 s old, rounds 1 to 3 s apart)
            ConfigurableApplicationContext back = network.node("peer", seed(restarted), "--tallynet.peers.max-outbound=1");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(back.getBean(Mempool.class).find(payment.id())).isPresent());
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(unbroadcast(restarted)).isZero());
            assertThat(count(restarted, "tallynet.transactions.rebroadcast")).isPositive();
        }
    }

    @Test
    void aNewPeerIsNotToldOfTheNodesOwnPaymentsAtItsHandshake() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            // at a handshake, the node's own payments alone would tell a spy which ones started here
            ConfigurableApplicationContext payer = fundedPayer(network, "1m");
            pay(payer);
            var tip = chain(payer).tip();
            try (RawPeer peer = RawPeer.handshaken(port(payer), "127.0.0.52", "0000000000000052", tip.number() + 1, tip.hash())) {
                assertThat(peer.next(BroadcastTransactionMessage.class, Duration.ofSeconds(2))).isNull();
                peer.roundTrip(); // still connected: the silence was not a close
            }
            assertThat(unbroadcast(payer)).isEqualTo(1);
        }
    }

    @Test
    void aPaymentNobodyAsksForIsAnnouncedAgainUntilAPeerAsks() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext payer = fundedPayer(network, "1s");
            try (RawPeer peer = RawPeer.handshaken(port(payer), "127.0.0.51", "0000000000000051")) {
                Transaction payment = pay(payer);
                // announced as it arrives, then again about each second (0.5 to 1.5 s) while the peer does not ask
                for (int i = 0; i < 3; i++) {
                    BroadcastTransactionMessage announced = peer.next(BroadcastTransactionMessage.class, Duration.ofSeconds(5));
                    assertThat(announced).as("announcement %d", i + 1).isNotNull();
                    assertThat(announced.ids()).containsExactly(payment.id());
                }
                assertThat(count(payer, "tallynet.transactions.rebroadcast")).isGreaterThanOrEqualTo(2);

                peer.send(GetBlockMessage.transactions(List.of(payment.id())));
                assertThat(peer.next(PushTransactionMessage.class, Duration.ofSeconds(5)).transactions())
                        .containsExactly(payment);
                announcedNoMore(payer, peer); // asked for and answered
            }
        }
    }

    @Test
    void aPeerThatAnnouncesThePaymentHasIt() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext payer = fundedPayer(network, "1s");
            try (RawPeer peer = RawPeer.handshaken(port(payer), "127.0.0.53", "0000000000000053")) {
                Transaction payment = pay(payer);
                assertThat(peer.next(BroadcastTransactionMessage.class, Duration.ofSeconds(5)).ids()).containsExactly(payment.id());
                peer.send(new BroadcastTransactionMessage(List.of(payment.id())));
                announcedNoMore(payer, peer);
            }
        }
    }

    /** A node that dials nobody, with mature coins to pay from, announcing its own again at this interval. */
    private static ConfigurableApplicationContext fundedPayer(TestNetwork network, String rebroadcastInterval) throws Exception {
        ConfigurableApplicationContext payer = network.node("payer", "--tallynet.peers.max-outbound=0",
                "--tallynet.relay.rebroadcast-interval=" + rebroadcastInterval);
        payer.getBean(Miner.class).generate(2, null);
        return payer;
    }

    /**
     * The payer is done with its payment: an announcement already on its way may still reach the peer, then no
     * more, and the peer is still connected (the silence was not a close).
     */
    private static void announcedNoMore(ConfigurableApplicationContext payer, RawPeer peer) throws Exception {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(unbroadcast(payer)).isZero());
        peer.next(BroadcastTransactionMessage.class, Duration.ofMillis(1500));
        assertThat(peer.next(BroadcastTransactionMessage.class, Duration.ofMillis(3000))).isNull();
        peer.roundTrip();
    }

    /** A payment from the node's wallet, accepted as its REST API accepts one (no peer as its source). */
    private static Transaction pay(ConfigurableApplicationContext payer) throws Exception {
        Transaction payment = payer.getBean(Wallet.class)
                .pay(TestBlocks.address(Ed25519Keys.newSecretKey()), 1_000, 100);
        payer.getBean(Ledger.class).acceptTransaction(payment);
        return payment;
    }

    private static double unbroadcast(ConfigurableApplicationContext node) {
        return node.getBean(MeterRegistry.class).get("tallynet.transactions.unbroadcast").gauge().value();
    }
}
