package net.tallynet.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestBlocks;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.protocol.codec.DecodeResult;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TransactionSigner;
import net.tallynet.protocol.ledger.TransactionSigner.Spend;
import net.tallynet.protocol.ledger.TxOutput;
import net.tallynet.protocol.message.BroadcastTransactionMessage;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.PushTransactionMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A payment that outruns what it spends (PROTOCOL.md 7.5): held as an orphan by a real node, over real
 * sockets, and taken into the mempool once its parent arrives, as a transaction or in a block. Each case
 * spends its own coinbase from its own 127.x address.
 */
class OrphanTransactionTest {
    private static final FrameCodec CODEC = new FrameCodec();

    @TempDir
    static Path dir;
    static TestNetwork network;
    static ConfigurableApplicationContext node;
    static int port;
    static final byte[] KEY = Ed25519Keys.newSecretKey();
    static final byte[] SECOND = Ed25519Keys.newSecretKey();
    /** Blocks 1 to 6, all paying {@link #KEY}; coinbases 1 to 5 are spendable in block 7. */
    static final List<Block> blocks = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        network = new TestNetwork(dir);
        node = network.node("target");
        port = TestNetwork.port(node);
        blocks.addAll(TestBlocks.connectEmpty(node, KEY, 6));
    }

    @AfterAll
    static void stop() {
        network.close();
    }

    @Test
    void aChildPushedBeforeItsParentEntersTheMempoolWhenTheParentDoes() throws Exception {
        Transaction parent = TestBlocks.pay(coinbase(1), KEY, SECOND, 5000);
        Transaction child = TestBlocks.pay(parent, SECOND, Ed25519Keys.newSecretKey(), 2000);
        double held = orphans("held");
        double accepted = orphans("accepted");
        double charged = TestNetwork.count(node, "tallynet.frames.rejected", "reason", "unknown_input");
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.0.41", "0000000000000041")) {
            peer.send(new PushTransactionMessage(List.of(child)));
            peer.roundTrip();
            assertThat(mempool().find(child.id())).isEmpty();
            assertThat(orphans("held") - held).isEqualTo(1);

            peer.send(new PushTransactionMessage(List.of(parent)));
            await().atMost(Duration.ofSeconds(10)).until(() -> mempool().find(child.id()).isPresent());
            assertThat(mempool().find(parent.id())).isPresent();
            assertThat(orphans("accepted") - accepted).isEqualTo(1);
            peer.roundTrip(); // still connected: a missing parent is honest
        }
        // a missing parent is honest: nothing charged
        assertThat(TestNetwork.count(node, "tallynet.frames.rejected", "reason", "unknown_input")).isEqualTo(charged);
    }

    @Test
    void aPaymentPushedBeforeTheBlockPayingItEntersTheMempoolWhenTheBlockConnects() throws Exception {
        // the race SyncAndRelayTest met: a payment from a block's output reaching a node before that block
        Transaction funding = TestBlocks.pay(coinbase(2), KEY, SECOND, 5000);
        Transaction payment = TestBlocks.pay(funding, SECOND, Ed25519Keys.newSecretKey(), 2000);
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.0.42", "0000000000000042")) {
            peer.send(new PushTransactionMessage(List.of(payment)));
            peer.roundTrip();
            assertThat(mempool().find(payment.id())).isEmpty();

            // the only case that moves the chain: block 6 is still the tip
            node.getBean(Ledger.class).acceptBlock(TestBlocks.block(blocks.getLast(), KEY, List.of(funding)));
            await().atMost(Duration.ofSeconds(10)).until(() -> mempool().find(payment.id()).isPresent());
        }
    }

    @Test
    void anOrphanThatProvesInvalidOnceItsParentArrivesIsChargedToItsPeer() throws Exception {
        // a push of orphans costs no signature check (their inputs are unknown): the check after the parent
        // arrives is the peer's to pay and answer for, as if it pushed the orphan then
        Transaction parent = TestBlocks.pay(coinbase(4), KEY, SECOND, 5000);
        Transaction forged = TestBlocks.pay(parent, Ed25519Keys.newSecretKey(), Ed25519Keys.newSecretKey(), 2000);
        double refused = orphans("refused");
        double charged = TestNetwork.count(node, "tallynet.frames.rejected", "reason", "key_address_mismatch");
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.0.45", "0000000000000045")) {
            peer.send(new PushTransactionMessage(List.of(forged)));
            peer.roundTrip();
            assertThat(TestNetwork.count(node, "tallynet.frames.rejected", "reason", "key_address_mismatch")).isEqualTo(charged);

            peer.send(new PushTransactionMessage(List.of(parent)));
            await().atMost(Duration.ofSeconds(10)).until(() -> orphans("refused") - refused == 1);
            assertThat(TestNetwork.count(node, "tallynet.frames.rejected", "reason", "key_address_mismatch") - charged)
                    .isEqualTo(1);
            assertThat(mempool().find(parent.id())).isPresent();
            assertThat(mempool().find(forged.id())).isEmpty();
        }
    }

    @Test
    void anOrphanIsNotFetchedAgainWhenAnnouncedAndLeavesWithItsPeer() throws Exception {
        Transaction parent = TestBlocks.pay(coinbase(3), KEY, SECOND, 5000);
        Transaction child = TestBlocks.pay(parent, SECOND, Ed25519Keys.newSecretKey(), 2000);
        double forgotten = orphans("forgotten");
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.0.43", "0000000000000043")) {
            peer.send(new PushTransactionMessage(List.of(child)));
            peer.roundTrip();
            try (RawPeer other = RawPeer.handshaken(port, "127.0.0.44", "0000000000000044")) {
                other.send(new BroadcastTransactionMessage(List.of(child.id())));
                assertThat(requested(other, child.id(), Duration.ofSeconds(2))).as("the orphan asked for again").isFalse();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> orphans("forgotten") - forgotten == 1);
        assertThat(held()).isZero();
    }

    @Test
    void aPeerFloodingTheHoldEvictsOnlyItsOwnAndCannotHoldLargeTransactions() throws Exception {
        // an honest peer's orphan first, then a flood of transactions spending outputs that never existed
        Transaction parent = TestBlocks.pay(coinbase(5), KEY, SECOND, 5000);
        Transaction child = TestBlocks.pay(parent, SECOND, Ed25519Keys.newSecretKey(), 2000);
        List<Transaction> flood = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            flood.add(TransactionSigner.sign(TestBlocks.NETWORK, List.of(new Spend(String.format("%064x", 0x0f100 + i), 0, KEY)),
                    List.of(new TxOutput(TestBlocks.address(KEY), 1))));
        }
        List<Spend> many = new ArrayList<>();
        for (int i = 0; i <= OrphanTransactions.MAX_PARTS; i++) {
            many.add(new Spend(String.format("%064x", 0x0f500 + i), 0, KEY));
        }
        Transaction large = TransactionSigner.sign(TestBlocks.NETWORK, many, List.of(new TxOutput(TestBlocks.address(KEY), 1)));
        double evicted = orphans("evicted");
        double tooLarge = orphans("too_large");
        double forgotten = orphans("forgotten");
        try (RawPeer honest = RawPeer.handshaken(port, "127.0.0.46", "0000000000000046")) {
            honest.send(new PushTransactionMessage(List.of(child)));
            honest.roundTrip();
            try (RawPeer flooder = RawPeer.handshaken(port, "127.0.0.47", "0000000000000047")) {
                flooder.send(new PushTransactionMessage(flood));
                flooder.send(new PushTransactionMessage(List.of(large)));
                flooder.roundTrip();
                assertThat(held()).as("the default bound, tallynet.relay.max-orphans").isEqualTo(100);
                assertThat(orphans("evicted") - evicted).isEqualTo(201);
                assertThat(orphans("too_large") - tooLarge).isEqualTo(1);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> orphans("forgotten") - forgotten == 99);
            // the flooder evicted its own: the honest orphan is still held, and taken once its parent comes
            honest.send(new PushTransactionMessage(List.of(parent)));
            await().atMost(Duration.ofSeconds(10)).until(() -> mempool().find(child.id()).isPresent());
        }
    }

    /** Whether a GETBLOCK for {@code id} arrives within {@code wait}, skipping other frames. */
    private static boolean requested(RawPeer peer, String id, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            RawPeer.Frame frame = peer.next(Duration.ofMillis(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            if (frame == null) {
                return false;
            }
            if (frame.opcode() == 1 && CODEC.decode(frame.text()) instanceof DecodeResult.Decoded decoded
                    && decoded.message() instanceof GetBlockMessage request && request.transactions() != null
                    && request.transactions().contains(id)) {
                return true;
            }
        }
        return false;
    }

    private static Transaction coinbase(int number) {
        return blocks.get(number - 1).transactions().getFirst();
    }

    private static Mempool mempool() {
        return node.getBean(Mempool.class);
    }

    private static double orphans(String outcome) {
        return TestNetwork.count(node, "tallynet.orphans", "outcome", outcome);
    }

    private static double held() {
        return node.getBean(io.micrometer.core.instrument.MeterRegistry.class).get("tallynet.orphans.held").gauge().value();
    }
}
