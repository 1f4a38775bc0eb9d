package net.tallynet.node.network;

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
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.mining.Miner;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.NonceSearch;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.ledger.TxOutput;
import net.tallynet.protocol.message.BlockMessage;
import net.tallynet.protocol.message.BlockRef;
import net.tallynet.protocol.message.BroadcastBlockMessage;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.GetListOfBlocksMessage;
import net.tallynet.protocol.message.ListOfBlocksMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Hostile block traffic against a real node over real sockets (review items 1, 7 and 27): lists
 * nobody asked for, lists that do not link, a queue filled with blocks never served, invalid blocks
 * sent again, blocks held for an invalid parent, a block from the future. Each peer comes from its
 * own 127.x address (scores are per host); the fetch timeout is the default 20 s, so nothing here is
 * rescued by a stall.
 */
class HostileBlocksTest {
    /** Easier than any expected target: proof of work against its own target costs nothing. */
    private static final String FREE_TARGET = "f".repeat(64);

    @TempDir
    static Path dir;
    static TestNetwork network;
    static ConfigurableApplicationContext node;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        network = new TestNetwork(dir);
        node = network.node("target", "--tallynet.peers.ping-interval=2s", "--tallynet.peers.ping-timeout=60s");
        port = TestNetwork.port(node);
        node.getBean(Miner.class).generate(5, null);
    }

    @AfterAll
    static void stop() {
        network.close();
    }

    @Test
    void aListNobodyAskedForIsChargedAndNothingIsQueued() throws Exception {
        double before = rejected("unsolicited_list");
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.1.1", "0000000000000101")) {
            peer.send(new ListOfBlocksMessage(fakeChain(tip(), 50)));
            assertThat(peer.next(GetBlockMessage.class, Duration.ofSeconds(2))).as("nothing requested").isNull();
        }
        assertThat(rejected("unsolicited_list") - before).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> gauge("tallynet.sync.blocks.queued") == 0);
    }

    @Test
    void aListThatIsNotOneChainIsChargedAndNothingIsQueued() throws Exception {
        double before = rejected("unlinked_list");
        try (RawPeer peer = aheadPeer("127.0.1.2", "0000000000000102")) {
            List<BlockRef> broken = new ArrayList<>(fakeChain(tip(), 10));
            BlockRef fifth = broken.get(5);
            broken.set(5, new BlockRef(fifth.number(), fifth.hash(), String.format("%064x", 7777))); // a gap
            peer.send(new ListOfBlocksMessage(broken));
            await().atMost(Duration.ofSeconds(5)).until(() -> rejected("unlinked_list") - before == 1);
            assertThat(peer.next(GetBlockMessage.class, Duration.ofSeconds(1))).isNull();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> gauge("tallynet.sync.blocks.queued") == 0);
    }

    @Test
    void ownBlocksAreAnnouncedWhileAnotherPeerFillsTheQueueWithBlocksItNeverServes() throws Exception {
        try (RawPeer poisoner = aheadPeer("127.0.1.3", "0000000000000103");
             RawPeer honest = RawPeer.handshaken(port, "127.0.1.4", "0000000000000104")) {
            poisoner.send(new ListOfBlocksMessage(fakeChain(tip(), 100)));
            assertThat(poisoner.expect(GetBlockMessage.class)).isNotNull(); // queued and asked for, never answered
            await().atMost(Duration.ofSeconds(5)).until(() -> gauge("tallynet.sync.blocks.queued") > 0);

            String mined = node.getBean(Miner.class).generate(1, null).getFirst();
            BroadcastBlockMessage announced = honest.next(BroadcastBlockMessage.class, Duration.ofSeconds(5));
            assertThat(announced).as("announced while the queue is full of the poisoner's blocks").isNotNull();
            assertThat(announced.hash()).isEqualTo(mined);
        }
    }

    @Test
    void blocksHeldForAnInvalidParentAreDroppedTheirSenderChargedAndTheParentRemembered() throws Exception {
        Block tip = node.getBean(ChainStore.class).block(tip()).orElseThrow();
        Block invalid = mined(tip, FREE_TARGET, tip.time() + 1000); // wrong target for its height
        Block child = mined(invalid, FREE_TARGET, invalid.time() + 1000);
        double wrongTarget = rejected("wrong_target");
        double invalidParent = rejected("invalid_parent");
        double knownInvalid = rejected("known_invalid");
        try (RawPeer parentSender = aheadPeer("127.0.1.5", "0000000000000105");
             RawPeer childSender = aheadPeer("127.0.1.6", "0000000000000106")) {
            // the parent is listed (and asked) from one peer, parent and child from the other
            parentSender.send(new ListOfBlocksMessage(List.of(ref(invalid))));
            assertThat(parentSender.expect(GetBlockMessage.class).hash()).isEqualTo(invalid.hash());
            childSender.send(new ListOfBlocksMessage(List.of(ref(invalid), ref(child))));
            assertThat(childSender.expect(GetBlockMessage.class).hash()).isEqualTo(child.hash());

            childSender.send(new BlockMessage(child)); // asked for, parent on its way: held
            await().atMost(Duration.ofSeconds(5)).until(() -> gauge("tallynet.sync.blocks.waiting") == 1);
            parentSender.send(new BlockMessage(invalid));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(rejected("wrong_target") - wrongTarget).isEqualTo(1);
                assertThat(rejected("invalid_parent") - invalidParent).as("the held child's sender").isEqualTo(1);
                assertThat(gauge("tallynet.sync.blocks.waiting")).isZero();
            });

            // sent again, the parent is refused without validation; a new child of it is refused too
            parentSender.send(new BlockMessage(invalid));
            parentSender.send(new BlockMessage(mined(invalid, FREE_TARGET, invalid.time() + 2000)));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(rejected("known_invalid") - knownInvalid).isEqualTo(1);
                assertThat(rejected("invalid_parent") - invalidParent).isEqualTo(2);
            });
            assertThat(rejected("wrong_target") - wrongTarget).isEqualTo(1);
        }
        assertThat(node.getBean(ChainStore.class).header(invalid.hash())).isEmpty();
        assertThat(node.getBean(ChainStore.class).header(child.hash())).isEmpty();
    }

    @Test
    void aBlockFromTheFutureIsDroppedUnchargedAndNotRemembered() throws Exception {
        Block tip = node.getBean(ChainStore.class).block(tip()).orElseThrow();
        Block early = mined(tip, TestBlocks.PARAMS.initialTarget(), System.currentTimeMillis() + 10 * 60_000);
        double failures = TestNetwork.count(node, "tallynet.validation.failures", "reason", "time_too_far_in_future");
        double rejectedBefore = rejected("time_too_far_in_future");
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.1.7", "0000000000000107")) {
            for (int i = 0; i < 15; i++) { // past the ban threshold, were it charged
                peer.send(new BlockMessage(early));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> TestNetwork.count(node, "tallynet.validation.failures",
                    "reason", "time_too_far_in_future") - failures == 15);
            peer.send(GetBlockMessage.byHash(tip.hash()));
            assertThat(peer.next(BlockMessage.class, Duration.ofSeconds(5))).as("still connected").isNotNull();
        }
        assertThat(rejected("time_too_far_in_future")).isEqualTo(rejectedBefore);
    }

    /** A peer that claims to be far ahead, so the node asks it for a list at once. */
    private static RawPeer aheadPeer(String host, String nodeId) throws IOException {
        RawPeer peer = RawPeer.handshaken(port, host, nodeId, 10_000, String.format("%064x", 9999));
        peer.expect(GetListOfBlocksMessage.class);
        return peer;
    }

    private static Block mined(Block parent, String target, long time) {
        long number = parent.number() + 1;
        Transaction coinbase = Transaction.of(List.of(TxInput.coinbase(number)),
                List.of(new TxOutput(TestBlocks.address(new byte[32]), TestBlocks.PARAMS.rewardAt(number))));
        return NonceSearch.solve(Block.of(number, parent.hash(), time, target, 0, List.of(coinbase)));
    }

    private static List<BlockRef> fakeChain(String after, int length) {
        List<BlockRef> refs = new ArrayList<>();
        long number = TestNetwork.chain(node).tip().number();
        String previous = after;
        for (int i = 0; i < length; i++) {
            String hash = String.format("%060x%04x", System.nanoTime(), i);
            refs.add(new BlockRef(++number, hash, previous));
            previous = hash;
        }
        return refs;
    }

    private static BlockRef ref(Block block) {
        return new BlockRef(block.number(), block.hash(), block.previousHash());
    }

    private static String tip() {
        return TestNetwork.chain(node).tip().hash();
    }

    private static double gauge(String name) {
        return node.getBean(MeterRegistry.class).get(name).gauge().value();
    }

    private static double rejected(String reason) {
        return TestNetwork.count(node, "tallynet.frames.rejected", "reason", reason);
    }
}
