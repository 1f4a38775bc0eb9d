package net.tallynet.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
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
import net.tallynet.protocol.crypto.Hashes;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TransactionSigner;
import net.tallynet.protocol.ledger.TransactionSigner.Spend;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.ledger.TxOutput;
import net.tallynet.protocol.message.BroadcastTransactionMessage;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.Message;
import net.tallynet.protocol.message.PushTransactionMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Hostile transaction traffic against a real node over real sockets (review items 8 and 22), each
 * case from its own 127.x address and spending its own coinbase: what a push may cost the node in
 * signature checks, what is charged, and that the relay asks one peer at a time for an id.
 */
class HostileTransactionPeerTest {
    private static final FrameCodec CODEC = new FrameCodec();
    /** Over the minimum relay fee of the large transactions here (up to about 90 KB at 100 per 1,000 bytes). */
    private static final long LARGE_FEE = 20_000;

    @TempDir
    static Path dir;
    static TestNetwork network;
    static ConfigurableApplicationContext node;
    static int port;
    static final byte[] KEY = Ed25519Keys.newSecretKey();
    /** Blocks 1 to 5, all paying {@link #KEY}; coinbases 1 to 4 are spendable in block 6, block 5's is not. */
    static final List<Block> blocks = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        network = new TestNetwork(dir);
        // a budget of one transaction's worth of signatures, hardly refilled; requests time out quickly
        node = network.node("target", "--tallynet.sync.transaction-signature-burst=1000",
                "--tallynet.sync.transaction-signatures-per-second=1", "--tallynet.sync.transaction-request-timeout=2s");
        port = TestNetwork.port(node);
        blocks.addAll(TestBlocks.connectEmpty(node, KEY, 5));
    }

    @AfterAll
    static void stop() {
        network.close();
    }

    @Test
    void aValidInputBeforeAnUnknownOneCostsNoSignatureCheck() throws Exception {
        // the review's case: 1,000 transactions each spending a real output, then one that does not exist
        String tip = TestNetwork.chain(node).tip().hash();
        List<Transaction> push = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            push.add(TransactionSigner.sign(TestBlocks.NETWORK, List.of(new Spend(coinbase(1).id(), 0, KEY),
                    new Spend(String.format("%064x", i + 1), 0, KEY)), List.of(new TxOutput(TestBlocks.address(KEY), 1))));
        }
        double unknown = failures("unknown_input");
        double charged = rejected("unknown_input");
        long checks = signatureChecks();
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.0.31", "0000000000000031")) {
            peer.send(new PushTransactionMessage(push));
            roundTrip(peer);
            assertThat(failures("unknown_input") - unknown).isEqualTo(1000);
            assertThat(signatureChecks() - checks).isZero();
        }
        // a missing parent may be honest: not charged
        assertThat(rejected("unknown_input") - charged).isZero();
        assertThat(mempool().find(push.getFirst().id())).isEmpty();
        assertThat(TestNetwork.chain(node).tip().hash()).isEqualTo(tip);
    }

    @Test
    void theSameTransactionTwiceInAPushIsChargedAndNothingIsChecked() throws Exception {
        Transaction payment = TestBlocks.pay(coinbase(2), KEY, Ed25519Keys.newSecretKey(), 1000);
        double charged = rejected("duplicate_transaction");
        long checks = signatureChecks();
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.0.32", "0000000000000032")) {
            peer.send(new PushTransactionMessage(List.of(payment, payment)));
            roundTrip(peer);
        }
        assertThat(rejected("duplicate_transaction") - charged).isEqualTo(1);
        assertThat(signatureChecks() - checks).isZero();
        assertThat(mempool().find(payment.id())).isEmpty();
    }

    @Test
    void aPushBeyondThePeersSignatureBudgetIsDroppedAndChargedUntilThePeerIsBanned() throws Exception {
        // 1 + 1 + 900 + 500 signatures against a budget of 1,000: the last transaction is not checked
        Transaction fanOut = fanOut(coinbase(3));
        Transaction fanOutAgain = fanOut(fanOut);
        Transaction first = gather(fanOut, 0, 900);
        Transaction second = gather(fanOutAgain, 0, 500);
        double dropped = dropped("over_budget");
        double charged = rejected(TransactionRelay.OVER_BUDGET);
        long checks = signatureChecks();
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.0.33", "0000000000000033")) {
            peer.send(new PushTransactionMessage(List.of(fanOut, fanOutAgain, first, second)));
            roundTrip(peer);
            assertThat(mempool().find(first.id())).isPresent();
            assertThat(mempool().find(second.id())).isEmpty();
            assertThat(dropped("over_budget") - dropped).isEqualTo(1);
            assertThat(rejected(TransactionRelay.OVER_BUDGET) - charged).isEqualTo(1);
            // persistent abuse: every further push over the budget is charged, the tenth bans
            for (int i = 0; i < 9; i++) {
                peer.send(new PushTransactionMessage(List.of(second)));
            }
            RawPeer.Frame close = peer.awaitClose(Duration.ofSeconds(10));
            assertThat(close).isNotNull();
            assertThat(close.closeReason()).isEqualTo("misbehaviour:" + TransactionRelay.OVER_BUDGET);
        }
        assertThat(signatureChecks() - checks).isEqualTo(902);
        assertThat(dropped("over_budget") - dropped).isEqualTo(10);
        assertThat(mempool().find(second.id())).isEmpty();
    }

    @Test
    void aRefusedTransactionIsNotCheckedAgainUntilTheNextBlock() throws Exception {
        // a bad signature: checked once, then refused from the cache, and charged each time
        Transaction payment = TestBlocks.pay(coinbase(2), KEY, Ed25519Keys.newSecretKey(), 1000);
        TxInput input = payment.inputs().getFirst();
        byte[] signature = Hashes.fromHex(input.signature());
        signature[7] ^= 1;
        Transaction forged = Transaction.of(List.of(new TxInput(input.txId(), input.index(), input.publicKey(),
                Hashes.hex(signature))), payment.outputs());
        long checks = signatureChecks();
        double badSignature = rejected("bad_signature");
        double cached = dropped("recently_rejected");
        for (String host : List.of("127.0.0.34", "127.0.0.35")) {
            try (RawPeer peer = RawPeer.handshaken(port, host, "00000000000000" + host.substring(8))) {
                peer.send(new PushTransactionMessage(List.of(forged)));
                roundTrip(peer);
            }
        }
        assertThat(signatureChecks() - checks).isEqualTo(1);
        assertThat(rejected("bad_signature") - badSignature).isEqualTo(2);
        assertThat(dropped("recently_rejected") - cached).isEqualTo(1);

        // an immature coinbase spend: refused once, cached (not counted as a new failure), valid after a block
        Transaction early = TestBlocks.pay(coinbase(5), KEY, Ed25519Keys.newSecretKey(), 1000);
        double immature = failures("immature_coinbase");
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.0.36", "0000000000000036")) {
            peer.send(new PushTransactionMessage(List.of(early)));
            peer.send(new PushTransactionMessage(List.of(early)));
            roundTrip(peer);
            assertThat(failures("immature_coinbase") - immature).isEqualTo(1);
            assertThat(dropped("recently_rejected") - cached).isEqualTo(2);
            assertThat(mempool().find(early.id())).isEmpty();

            Block tip = node.getBean(net.tallynet.node.chain.ChainStore.class).block(TestNetwork.chain(node).tip().hash())
                    .orElseThrow();
            node.getBean(Ledger.class).acceptBlock(TestBlocks.block(tip, Ed25519Keys.newSecretKey(), List.of()));
            peer.send(new PushTransactionMessage(List.of(early)));
            roundTrip(peer);
            assertThat(mempool().find(early.id())).isPresent();
        }
    }

    @Test
    void signaturesAreCheckedOutsideTheMempoolLock() throws Exception {
        // the budget is asked right before the signature checks: a block connecting then must not wait
        Mempool mempool = mempool();
        Transaction payment = TestBlocks.pay(coinbase(4), KEY, Ed25519Keys.newSecretKey(), 1000);
        List<Boolean> lockHeld = new ArrayList<>();
        assertThat(mempool.add(payment, signatures -> {
            lockHeld.add(Thread.holdsLock(mempool));
            return true;
        })).isEqualTo(Mempool.Added.ADDED);
        assertThat(lockHeld).containsExactly(false);
    }

    @Test
    void anAnnouncedTransactionIsRequestedFromOnePeerAtATime() throws Exception {
        String id = Hashes.hex(Hashes.sha256(KEY));
        double reassigned = unreceived("reassigned");
        double abandoned = unreceived("abandoned");
        try (RawPeer first = RawPeer.handshaken(port, "127.0.0.37", "0000000000000037");
             RawPeer second = RawPeer.handshaken(port, "127.0.0.38", "0000000000000038")) {
            first.send(new BroadcastTransactionMessage(List.of(id)));
            assertThat(nextOf(first, GetBlockMessage.class, Duration.ofSeconds(5)).transactions()).containsExactly(id);
            second.send(new BroadcastTransactionMessage(List.of(id)));
            // in flight to the first peer: the second is not asked while the first may still deliver (2 s here)
            assertThat(nextOf(second, GetBlockMessage.class, Duration.ofMillis(1000))).isNull();
            // the first never delivers: after the timeout the second, which announced it too, is asked
            assertThat(nextOf(second, GetBlockMessage.class, Duration.ofSeconds(5)).transactions()).containsExactly(id);
            assertThat(nextOf(first, GetBlockMessage.class, Duration.ofMillis(500))).isNull();
            assertThat(unreceived("reassigned") - reassigned).isEqualTo(1);
            // the second never delivers either: with no third announcer the id is given up, counted
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(unreceived("abandoned") - abandoned).isEqualTo(1));
            assertThat(unreceived("reassigned") - reassigned).isEqualTo(1);
        }
    }

    private static Transaction coinbase(int number) {
        return blocks.get(number - 1).transactions().getFirst();
    }

    /** Splits output 0 (or 999) of {@code parent}, worth {@code amount}, into 1,000 outputs: one signature. */
    private static Transaction fanOut(Transaction parent) {
        long index = parent.outputs().size() - 1;
        // 1,000 outputs are about 30 KB: a fee of 10,000 is over the minimum relay fee (100 per 1,000 bytes)
        long each = (parent.outputs().get((int) index).amount() - LARGE_FEE) / 1000;
        List<TxOutput> outputs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            outputs.add(new TxOutput(TestBlocks.address(KEY), each));
        }
        return TransactionSigner.sign(TestBlocks.NETWORK, List.of(new Spend(parent.id(), index, KEY)), outputs);
    }

    /** Spends outputs {@code from} to {@code to} of {@code parent} in one transaction: one signature per input. */
    private static Transaction gather(Transaction parent, int from, int to) {
        List<Spend> spends = new ArrayList<>();
        for (int i = from; i < to; i++) {
            spends.add(new Spend(parent.id(), i, KEY));
        }
        long each = parent.outputs().getFirst().amount();
        return TransactionSigner.sign(TestBlocks.NETWORK, spends,
                List.of(new TxOutput(TestBlocks.address(KEY), (to - from) * each - LARGE_FEE))); // 900 inputs: about 90 KB
    }

    private static void roundTrip(RawPeer peer) throws IOException {
        peer.roundTrip();
    }

    /** The next message of {@code type} within {@code wait}, skipping others (announcements, pings); null if none. */
    private static <T extends Message> T nextOf(RawPeer peer, Class<T> type, Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            RawPeer.Frame frame = peer.next(Duration.ofMillis(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            if (frame == null) {
                return null;
            }
            if (frame.opcode() == 8) {
                throw new IOException("closed: " + frame.closeReason());
            }
            if (frame.opcode() == 1 && CODEC.decode(frame.text()) instanceof DecodeResult.Decoded decoded
                    && type.isInstance(decoded.message())) {
                return type.cast(decoded.message());
            }
        }
        return null;
    }

    private static Mempool mempool() {
        return node.getBean(Mempool.class);
    }

    private static long signatureChecks() {
        // the metric, not the field: what an operator sees
        return (long) node.getBean(MeterRegistry.class).get("tallynet.transaction.signature.checks").functionCounter().count();
    }

    private static double failures(String reason) {
        return TestNetwork.count(node, "tallynet.validation.failures", "reason", reason);
    }

    private static double unreceived(String outcome) {
        return TestNetwork.count(node, "tallynet.transactions.unreceived", "outcome", outcome);
    }

    private static double rejected(String reason) {
        return TestNetwork.count(node, "tallynet.frames.rejected", "reason", reason);
    }

    private static double dropped(String reason) {
        return TestNetwork.count(node, "tallynet.transactions.dropped", "reason", reason);
    }
}
