package net.tallynet.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestBlocks;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.message.BlockTransactionsMessage;
import net.tallynet.protocol.message.BroadcastBlockMessage;
import net.tallynet.protocol.message.CompactBlockMessage;
import net.tallynet.protocol.message.Extensions;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.GetBlockTransactionsMessage;
import net.tallynet.protocol.message.GetListOfBlocksMessage;
import net.tallynet.protocol.message.SendCompactMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Compact block relay (PROTOCOL.md 12.1) against a real node over real sockets, the peer played by a
 * raw WebSocket client: a block rebuilt from the mempool, a peer lacking some transactions asking
 * for exactly those, the node serving and pushing compact blocks, and each hostile case charged under
 * its reason. Every hostile case comes from its own 127.x address (charges are per host).
 */
class CompactBlockPeerTest {
    private static final FrameCodec CODEC = new FrameCodec();
    private static final List<String> COMPACT = List.of(Extensions.COMPACT_BLOCKS);

    @TempDir
    static Path dir;
    static TestNetwork network;
    static ConfigurableApplicationContext node;
    static int port;
    static final byte[] KEY = Ed25519Keys.newSecretKey();
    /** Blocks 1 to 5, all paying {@link #KEY}; coinbases 1 to 4 are spendable from block 6 on. */
    static final List<Block> blocks = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        network = new TestNetwork(dir);
        node = network.node("target", "--tallynet.compact-blocks.transactions-timeout=1s");
        port = TestNetwork.port(node);
        blocks.addAll(TestBlocks.connectEmpty(node, KEY, 5));
    }

    @AfterAll
    static void stop() {
        network.close();
    }

    @Test
    void aPeerLackingSomeTransactionsAsksForExactlyThoseAndThenAsksForPushedBlocks() throws Exception {
        Transaction first = pay(1);
        Transaction second = pay(2);
        Transaction third = pay(3);
        mempool().add(first);
        mempool().add(third); // the second never reached this node
        Block block = TestBlocks.block(tip(), KEY, List.of(first, second, third));
        double completed = TestNetwork.count(node, "tallynet.compact.blocks", "outcome", "completed");
        try (RawPeer peer = RawPeer.handshakenWith(port, "127.0.0.41", "0000000000000041", COMPACT)) {
            peer.send(CompactBlockMessage.of(block, 7));
            GetBlockTransactionsMessage asked = peer.next(GetBlockTransactionsMessage.class, Duration.ofSeconds(10));
            assertThat(asked.hash()).isEqualTo(block.hash());
            assertThat(asked.indexes()).containsExactly(2); // the coinbase came prefilled, the others are pooled
            peer.send(new BlockTransactionsMessage(block.hash(), List.of(second)));
            await().atMost(Duration.ofSeconds(10)).until(() -> tip().hash().equals(block.hash()));
            // it brought the node a new best block first: asked to push the next ones
            assertThat(peer.next(SendCompactMessage.class, Duration.ofSeconds(5)).highBandwidth()).isTrue();
        }
        assertThat(TestNetwork.count(node, "tallynet.compact.blocks", "outcome", "completed") - completed).isEqualTo(1);
        assertThat(mempool().find(second.id())).isEmpty();
    }

    @Test
    void aBlockWhoseTransactionsAreAllPooledConnectsWithoutARoundTrip() throws Exception {
        Transaction payment = pay(4);
        mempool().add(payment);
        Block block = TestBlocks.block(tip(), KEY, List.of(payment));
        double rebuilt = TestNetwork.count(node, "tallynet.compact.blocks", "outcome", "rebuilt");
        try (RawPeer peer = RawPeer.handshakenWith(port, "127.0.0.42", "0000000000000042", COMPACT)) {
            peer.send(CompactBlockMessage.of(block, 8));
            await().atMost(Duration.ofSeconds(10)).until(() -> tip().hash().equals(block.hash()));
            assertThat(peer.next(GetBlockTransactionsMessage.class, Duration.ofMillis(300))).isNull();
        }
        assertThat(TestNetwork.count(node, "tallynet.compact.blocks", "outcome", "rebuilt") - rebuilt).isEqualTo(1);
    }

    @Test
    void theNodeServesCompactBlocksAndPushesNewOnesToPeersThatAskButAnnouncesToOthers() throws Exception {
        Block tip = store().block(tip().hash()).orElseThrow();
        try (RawPeer compact = RawPeer.handshakenWith(port, "127.0.0.43", "0000000000000043", COMPACT);
             RawPeer plain = RawPeer.handshaken(port, "127.0.0.44", "0000000000000044")) {
            compact.send(GetBlockMessage.compactByHash(tip.hash()));
            CompactBlockMessage served = compact.next(CompactBlockMessage.class, Duration.ofSeconds(5));
            assertThat(served.hash()).isEqualTo(tip.hash());
            assertThat(served.transactionCount()).isEqualTo(tip.transactions().size());
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < tip.transactions().size(); i++) {
                all.add(i);
            }
            compact.send(new GetBlockTransactionsMessage(tip.hash(), all));
            assertThat(compact.next(BlockTransactionsMessage.class, Duration.ofSeconds(5)).transactions())
                    .isEqualTo(tip.transactions());

            compact.send(new SendCompactMessage(true));
            compact.roundTrip();
            Block next = TestBlocks.block(tip, Ed25519Keys.newSecretKey(), List.of());
            node.getBean(Ledger.class).acceptBlock(next);
            assertThat(compact.next(CompactBlockMessage.class, Duration.ofSeconds(5)).hash()).isEqualTo(next.hash());
            assertThat(plain.next(BroadcastBlockMessage.class, Duration.ofSeconds(5)).hash()).isEqualTo(next.hash());
            // pushed before its spend rules ran, then connected: not sent a second time, nor announced
            assertThat(compact.next(CompactBlockMessage.class, Duration.ofMillis(300))).isNull();
            assertThat(compact.next(BroadcastBlockMessage.class, Duration.ofMillis(100))).isNull();
        }
    }

    /**
     * PROTOCOL.md 12.1: a block goes on to the peers that asked for pushes once it is stored with more work than
     * the tip, before its spend rules run; so a block that then fails them (a payment of an output that never
     * existed, under a valid header and merkle root) has already gone on, and neither the peer that brought it
     * nor one pushing it again afterwards is charged. The tip stays where it was.
     */
    @Test
    void aBlockGoesOnBeforeItsSpendRulesAndOneFailingThemChargesNoOne() throws Exception {
        Transaction bogus = paymentOfNothing();
        Block tipBefore = tip();
        Block block = TestBlocks.block(tipBefore, KEY, List.of(bogus));
        double charged = totalRejected();
        try (RawPeer pushee = RawPeer.handshakenWith(port, "127.0.0.60", "0000000000000060", COMPACT);
             RawPeer bringer = RawPeer.handshakenWith(port, "127.0.0.61", "0000000000000061", COMPACT);
             RawPeer echo = RawPeer.handshakenWith(port, "127.0.0.62", "0000000000000062", COMPACT)) {
            pushee.send(new SendCompactMessage(true));
            pushee.roundTrip();
            bringer.send(CompactBlockMessage.of(block, 10));
            assertThat(bringer.next(GetBlockTransactionsMessage.class, Duration.ofSeconds(5)).indexes()).containsExactly(1);
            bringer.send(new BlockTransactionsMessage(block.hash(), List.of(bogus)));

            assertThat(pushee.next(CompactBlockMessage.class, Duration.ofSeconds(5)).hash()).isEqualTo(block.hash());
            await().atMost(Duration.ofSeconds(5)).until(() -> TestNetwork.chain(node).wasInvalid(block.hash()));
            // the pushee lacks the payment: it is still served, though the block is refused and no longer stored
            pushee.send(new GetBlockTransactionsMessage(block.hash(), List.of(1)));
            assertThat(pushee.next(BlockTransactionsMessage.class, Duration.ofSeconds(5)).transactions()).containsExactly(bogus);
            echo.send(CompactBlockMessage.of(block, 11)); // as an honest peer that pushed it on before its rules would
            bringer.roundTrip();
            echo.roundTrip();
            assertThat(echo.next(GetBlockTransactionsMessage.class, Duration.ofMillis(300))).isNull();
        }
        assertThat(totalRejected()).isEqualTo(charged);
        assertThat(tip().hash()).isEqualTo(tipBefore.hash());
        assertThat(store().has(block.hash())).isFalse();
    }

    /**
     * A block asked for in compact form after its announcement had no excuse to fail its spend rules (blocks
     * are announced once connected): its sender is charged under the rule's reason.
     */
    @Test
    void anAnnouncedBlockFailingItsSpendRulesIsCharged() throws Exception {
        Transaction bogus = paymentOfNothing();
        Block block = TestBlocks.block(tip(), KEY, List.of(bogus));
        double completed = TestNetwork.count(node, "tallynet.compact.blocks", "outcome", "completed");
        expectCharged("127.0.0.63", "unknown_input", peer -> {
            peer.send(new BroadcastBlockMessage(block.number(), block.hash()));
            assertThat(peer.next(GetBlockMessage.class, Duration.ofSeconds(5)).compact()).isTrue();
            peer.send(CompactBlockMessage.of(block, 12));
            assertThat(peer.next(GetBlockTransactionsMessage.class, Duration.ofSeconds(5)).indexes()).containsExactly(1);
            peer.send(new BlockTransactionsMessage(block.hash(), List.of(bogus)));
        });
        assertThat(store().has(block.hash())).isFalse();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                TestNetwork.count(node, "tallynet.compact.blocks", "outcome", "completed") - completed)
                .as("counted though refused").isEqualTo(1));
    }

    /**
     * Transactions that do not match the header's merkle root (a short id shared with one of ours, or a peer
     * sending others) make the block be fetched whole, headers first: the block may well be valid, so nothing is
     * charged and it is not remembered as invalid. The root is checked once, by the block rules, and last of
     * their first step: wrong transactions that break a rule checked before it (here a second coinbase) are
     * told apart the same way.
     */
    @Test
    void aBlockRebuiltWithTheWrongTransactionsIsFetchedWholeUncharged() throws Exception {
        Transaction other = pay(4, 556);
        Transaction aCoinbase = blocks.get(4).transactions().getFirst();
        int host = 64;
        for (Transaction wrong : List.of(other, aCoinbase)) {
            Block block = TestBlocks.block(tip(), KEY, List.of(pay(3, 555 + host)));
            double charged = totalRejected();
            double whole = TestNetwork.count(node, "tallynet.compact.blocks", "outcome", "fetched_whole");
            try (RawPeer peer = RawPeer.handshakenWith(port, "127.0.0." + host, "00000000000000" + host, COMPACT)) {
                peer.send(CompactBlockMessage.of(block, 13));
                assertThat(peer.next(GetBlockTransactionsMessage.class, Duration.ofSeconds(5)).indexes()).containsExactly(1);
                peer.send(new BlockTransactionsMessage(block.hash(), List.of(wrong)));
                assertThat(peer.next(GetListOfBlocksMessage.class, Duration.ofSeconds(5))).as("fetched whole").isNotNull();
            }
            // counted once the relay is done with the block (CompactBlockRelay.finish), which may be after the ask
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    TestNetwork.count(node, "tallynet.compact.blocks", "outcome", "fetched_whole") - whole).isEqualTo(1));
            assertThat(totalRejected()).isEqualTo(charged);
            assertThat(TestNetwork.chain(node).wasInvalid(block.hash())).isFalse();
            assertThat(store().has(block.hash())).isFalse();
            host++;
        }
    }

    /** A payment of an output this chain never had, signed by its (stranger's) key: only the spend rules refuse it. */
    private static Transaction paymentOfNothing() {
        byte[] stranger = Ed25519Keys.newSecretKey();
        Transaction nowhere = TestBlocks.block(Genesis.of("devnet"), stranger, List.of()).transactions().getFirst();
        return TestBlocks.pay(nowhere, stranger, KEY, 1000);
    }

    @Test
    void aCompactBlockAfterAnUnknownParentOrWithoutMoreWorkGoesHeadersFirstUncharged() throws Exception {
        Block orphan = TestBlocks.block(TestBlocks.block(tip(), KEY, List.of()), KEY, List.of());
        Block parent = store().block(tip().previousHash()).orElseThrow();
        Block sibling = TestBlocks.block(parent, Ed25519Keys.newSecretKey(), List.of()); // as much work as the tip
        double charged = totalRejected();
        double rebuilt = TestNetwork.count(node, "tallynet.compact.blocks", "outcome", "rebuilt");
        for (Block block : List.of(orphan, sibling)) {
            String host = block == orphan ? "127.0.0.45" : "127.0.0.46";
            try (RawPeer peer = RawPeer.handshakenWith(port, host, "00000000000000" + host.substring(8), COMPACT)) {
                peer.send(CompactBlockMessage.of(block, 9));
                assertThat(peer.next(GetListOfBlocksMessage.class, Duration.ofSeconds(5))).isNotNull();
            }
        }
        assertThat(totalRejected()).isEqualTo(charged);
        assertThat(TestNetwork.count(node, "tallynet.compact.blocks", "outcome", "rebuilt")).isEqualTo(rebuilt);
        assertThat(store().has(sibling.hash())).isFalse();
    }

    @Test
    void hostileCompactBlocksAreChargedUnderTheirReasons() throws Exception {
        Transaction unpooled = pay(1, 777);
        Transaction another = pay(2, 777);
        Block block = TestBlocks.block(tip(), KEY, List.of(unpooled, another));
        CompactBlockMessage honest = CompactBlockMessage.of(block, 10);

        // the same short id twice: charged, and the block fetched whole (headers first)
        CompactBlockMessage colliding = new CompactBlockMessage(block.number(), block.hash(), block.previousHash(),
                block.merkleRoot(), block.time(), block.target(), block.nonce(), 10,
                List.of(honest.shortIds().getFirst(), honest.shortIds().getFirst()), honest.prefilled());
        expectCharged("127.0.0.51", CompactBlockRelay.SHORT_ID_COLLISION, peer -> {
            peer.send(colliding);
            assertThat(peer.next(GetListOfBlocksMessage.class, Duration.ofSeconds(5))).isNotNull();
        });
        // more transactions than a block may hold: refused by the decoder
        String tooLong = CODEC.encode(honest).replaceFirst("\"shortIds\":\\[",
                "\"shortIds\":[" + String.join(",", Collections.nCopies(10_000, "\"000000000000\"")) + ",");
        expectCharged("127.0.0.52", "list_too_long", peer -> peer.sendText(tooLong));
        // transactions nobody asked for
        expectCharged("127.0.0.53", CompactBlockRelay.UNSOLICITED_TRANSACTIONS,
                peer -> peer.send(new BlockTransactionsMessage(block.hash(), List.of(unpooled))));
        // asked for two, sent one: charged, and fetched whole
        expectCharged("127.0.0.54", CompactBlockRelay.WRONG_TRANSACTION_COUNT, peer -> {
            peer.send(honest);
            assertThat(peer.next(GetBlockTransactionsMessage.class, Duration.ofSeconds(5)).indexes()).containsExactly(1, 2);
            peer.send(new BlockTransactionsMessage(block.hash(), List.of(unpooled)));
            assertThat(peer.next(GetListOfBlocksMessage.class, Duration.ofSeconds(5))).isNotNull();
        });
        // asked, never served: fetched whole when the timeout (1 s here) is up; charged the third time in a
        // row (an honest peer's serving budget may leave one or two unanswered)
        expectCharged("127.0.0.55", CompactBlockRelay.NOT_SERVED, peer -> {
            for (int i = 0; i < CompactBlockRelay.UNANSWERED_CHARGED; i++) {
                double before = rejected(CompactBlockRelay.NOT_SERVED);
                peer.send(honest);
                assertThat(peer.next(GetBlockTransactionsMessage.class, Duration.ofSeconds(5))).isNotNull();
                if (i == 0) {
                    assertThat(peer.next(GetListOfBlocksMessage.class, Duration.ofSeconds(5))).isNotNull();
                } else if (i < CompactBlockRelay.UNANSWERED_CHARGED - 1) {
                    Thread.sleep(1_600);
                }
                if (i < CompactBlockRelay.UNANSWERED_CHARGED - 1) {
                    assertThat(rejected(CompactBlockRelay.NOT_SERVED) - before).as("unanswered %d", i + 1).isZero();
                }
            }
        });
        // an answer that comes after the timeout is late, not hostile: dropped uncharged
        double late = TestNetwork.count(node, "tallynet.compact.blocks", "outcome", "late");
        double lateCharges = totalRejected();
        try (RawPeer peer = RawPeer.handshakenWith(port, "127.0.0.59", "0000000000000059", COMPACT)) {
            peer.send(honest);
            assertThat(peer.next(GetBlockTransactionsMessage.class, Duration.ofSeconds(5))).isNotNull();
            assertThat(peer.next(GetListOfBlocksMessage.class, Duration.ofSeconds(5))).isNotNull(); // timed out
            peer.send(new BlockTransactionsMessage(block.hash(), List.of(unpooled, another)));
            peer.roundTrip();
        }
        assertThat(TestNetwork.count(node, "tallynet.compact.blocks", "outcome", "late") - late).isEqualTo(1);
        assertThat(totalRejected()).isEqualTo(lateCharges);
        // transactions of a block the node never had, or past a block's end
        expectCharged("127.0.0.56", GetBlockTransactionsHandler.UNKNOWN_BLOCK,
                peer -> peer.send(new GetBlockTransactionsMessage(block.hash(), List.of(0))));
        expectCharged("127.0.0.57", GetBlockTransactionsHandler.INDEX_OUT_OF_RANGE,
                peer -> peer.send(new GetBlockTransactionsMessage(tip().hash(), List.of(0, 9_999))));
        // the extension's methods from a peer whose HELLO did not list it
        try (RawPeer plain = RawPeer.handshaken(port, "127.0.0.58", "0000000000000058")) {
            double before = rejected(CompactBlockRelay.NOT_NEGOTIATED);
            plain.send(new SendCompactMessage(true));
            plain.send(honest);
            plain.send(GetBlockMessage.compactByHash(tip().hash()));
            plain.roundTrip();
            assertThat(rejected(CompactBlockRelay.NOT_NEGOTIATED) - before).isEqualTo(3);
        }
        assertThat(store().has(block.hash())).isFalse();
    }

    private interface Exchange {
        void run(RawPeer peer) throws IOException, InterruptedException;
    }

    /** Runs {@code exchange} as a compact-speaking peer from {@code host}; exactly one charge under {@code reason}. */
    private static void expectCharged(String host, String reason, Exchange exchange) throws IOException, InterruptedException {
        double before = rejected(reason);
        try (RawPeer peer = RawPeer.handshakenWith(port, host, "00000000000000" + host.substring(8), COMPACT)) {
            exchange.run(peer);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(rejected(reason) - before).as(reason).isEqualTo(1));
        }
    }

    private static Transaction pay(int coinbase) {
        return pay(coinbase, 1000);
    }

    private static Transaction pay(int coinbase, long amount) {
        return TestBlocks.pay(blocks.get(coinbase - 1).transactions().getFirst(), KEY, Ed25519Keys.newSecretKey(), amount);
    }

    private static Block tip() {
        return store().block(TestNetwork.chain(node).tip().hash()).orElseThrow();
    }

    private static ChainStore store() {
        return node.getBean(ChainStore.class);
    }

    private static Mempool mempool() {
        return node.getBean(Mempool.class);
    }

    private static double rejected(String reason) {
        return TestNetwork.count(node, "tallynet.frames.rejected", "reason", reason);
    }

    private static double totalRejected() {
        return node.getBean(io.micrometer.core.instrument.MeterRegistry.class).find("tallynet.frames.rejected")
                .counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
