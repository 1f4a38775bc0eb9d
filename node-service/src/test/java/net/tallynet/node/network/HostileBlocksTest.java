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
import net.tallynet.protocol.ledger.CanonicalEncoding;
import net.tallynet.protocol.ledger.Difficulty;
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
 * Hostile block traffic against a real node over real sockets (review items 1, 7 and 27, and headers
 * first, PROTOCOL.md 7.7): lists nobody asked for, lists that do not link, a queue filled with blocks
 * never served, invalid blocks listed again, blocks held for an invalid parent, headers from the
 * future, headers that fail a rule (each charged with its reason, no body asked for, the chain as it
 * was), a lighter side branch (neither fetched nor charged), a block nobody asked for (ignored), and
 * an announced bare hash (it brings a request for headers, never for a body). Each peer comes from its
 * own 127.x address (scores are per host); the fetch timeout is the default 20 s, so nothing here is
 * rescued by a stall.
 */
class HostileBlocksTest {
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
            peer.send(new ListOfBlocksMessage(TestBlocks.headers(tipRef(), 50)));
            assertThat(peer.next(GetBlockMessage.class, Duration.ofSeconds(2))).as("nothing requested").isNull();
        }
        assertThat(rejected("unsolicited_list") - before).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> gauge("tallynet.sync.blocks.queued") == 0);
    }

    @Test
    void aListThatIsNotOneChainIsChargedAndNothingIsQueued() throws Exception {
        double before = rejected("unlinked_list");
        try (RawPeer peer = aheadPeer("127.0.1.2", "0000000000000102")) {
            List<BlockRef> broken = new ArrayList<>(TestBlocks.headers(tipRef(), 10));
            BlockRef fifth = broken.get(5);
            broken.set(5, new BlockRef(fifth.number(), fifth.hash(), String.format("%064x", 7777), fifth.merkleRoot(),
                    fifth.time(), fifth.target(), fifth.nonce())); // a gap
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
            poisoner.send(new ListOfBlocksMessage(TestBlocks.headers(tipRef(), 100))); // real headers, no bodies
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
        // the parent's header passes every header rule; its body does not (its coinbase claims too much)
        Block tip = node.getBean(ChainStore.class).block(tip()).orElseThrow();
        Block invalid = mined(tip, TestBlocks.PARAMS.rewardAt(tip.number() + 1) + 1, tip.time() + 1000);
        Block child = mined(invalid, TestBlocks.PARAMS.rewardAt(invalid.number() + 1), invalid.time() + 1000);
        double wrongAmount = rejected("wrong_coinbase_amount");
        double invalidParent = rejected("invalid_parent");
        double knownInvalid = rejected("known_invalid");
        try (RawPeer parentSender = aheadPeer("127.0.1.5", "0000000000000105");
             RawPeer childSender = aheadPeer("127.0.1.6", "0000000000000106")) {
            // the parent is listed (and asked) from one peer, parent and child from the other
            parentSender.send(new ListOfBlocksMessage(List.of(BlockRef.of(invalid))));
            assertThat(parentSender.expect(GetBlockMessage.class).hash()).isEqualTo(invalid.hash());
            childSender.send(new ListOfBlocksMessage(List.of(BlockRef.of(invalid), BlockRef.of(child))));
            assertThat(childSender.expect(GetBlockMessage.class).hash()).isEqualTo(child.hash());

            childSender.send(new BlockMessage(child)); // asked for, parent on its way: held
            await().atMost(Duration.ofSeconds(5)).until(() -> gauge("tallynet.sync.blocks.waiting") == 1);
            parentSender.send(new BlockMessage(invalid));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(rejected("wrong_coinbase_amount") - wrongAmount).isEqualTo(1);
                assertThat(rejected("invalid_parent") - invalidParent).as("the held child's sender").isEqualTo(1);
                assertThat(gauge("tallynet.sync.blocks.waiting")).isZero();
            });
        }
        // listed again, the parent is refused as known invalid at its header: no body is asked for
        try (RawPeer again = aheadPeer("127.0.1.8", "0000000000000108")) {
            again.send(new ListOfBlocksMessage(List.of(BlockRef.of(invalid), BlockRef.of(child))));
            await().atMost(Duration.ofSeconds(5)).until(() -> rejected("known_invalid") - knownInvalid == 1);
            assertThat(again.next(GetBlockMessage.class, Duration.ofSeconds(1))).isNull();
        }
        assertThat(rejected("wrong_coinbase_amount") - wrongAmount).isEqualTo(1);
        assertThat(node.getBean(ChainStore.class).storedHeader(invalid.hash())).isEmpty();
        assertThat(node.getBean(ChainStore.class).storedHeader(child.hash())).isEmpty();
    }

    @Test
    void headersFromTheFutureAreLeftUnchargedAndNoBodyIsAskedFor() throws Exception {
        Block tip = node.getBean(ChainStore.class).block(tip()).orElseThrow();
        Block early = mined(tip, TestBlocks.PARAMS.rewardAt(tip.number() + 1), System.currentTimeMillis() + 10 * 60_000);
        double future = TestNetwork.count(node, "tallynet.headers", "outcome", "future");
        double rejectedBefore = rejected("time_too_far_in_future");
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.1.7", "0000000000000107")) {
            for (int i = 0; i < 15; i++) { // past the ban threshold, were it charged
                peer.send(new BroadcastBlockMessage(early.number(), early.hash()));
                peer.expect(GetListOfBlocksMessage.class); // headers first: an announcement asks for headers
                peer.send(new ListOfBlocksMessage(List.of(BlockRef.of(early))));
            }
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    TestNetwork.count(node, "tallynet.headers", "outcome", "future") - future == 15);
            assertThat(peer.next(GetBlockMessage.class, Duration.ofMillis(500))).as("no body asked for").isNull();
            peer.send(GetBlockMessage.byHash(tip.hash()));
            assertThat(peer.next(BlockMessage.class, Duration.ofSeconds(5))).as("still connected").isNotNull();
        }
        assertThat(rejected("time_too_far_in_future")).isEqualTo(rejectedBefore);
        assertThat(node.getBean(ChainStore.class).storedHeader(early.hash())).isEmpty();
    }

    @Test
    void aHeaderWhoseFieldsDoNotHashToItsHashIsChargedAndNoBodyIsAskedFor() throws Exception {
        List<BlockRef> headers = TestBlocks.headers(tipRef(), 3);
        BlockRef second = headers.get(1);
        BlockRef forged = new BlockRef(second.number(), second.hash(), second.previousHash(), second.merkleRoot(),
                second.time(), second.target(), second.nonce() + 1); // the hash no longer commits to these fields
        assertRefused(List.of(headers.getFirst(), forged, headers.get(2)), "bad_block_hash", "127.0.2.1", "0000000000000201");
    }

    @Test
    void aHeaderAboveItsTargetIsChargedAndNoBodyIsAskedFor() throws Exception {
        BlockRef parent = tipRef();
        BlockRef weak = null;
        for (long nonce = 0; weak == null; nonce++) { // a nonce whose hash misses the target, hashed honestly
            String hash = CanonicalEncoding.blockHash(parent.number() + 1, parent.hash(), parent.merkleRoot(),
                    parent.time() + 1, TestBlocks.PARAMS.initialTarget(), nonce);
            if (!Difficulty.meetsTarget(hash, TestBlocks.PARAMS.initialTarget())) {
                weak = new BlockRef(parent.number() + 1, hash, parent.hash(), parent.merkleRoot(), parent.time() + 1,
                        TestBlocks.PARAMS.initialTarget(), nonce);
            }
        }
        assertRefused(List.of(weak), "bad_proof_of_work", "127.0.2.2", "0000000000000202");
    }

    @Test
    void aHeaderOnAnEasierTargetThanTheChainRequiresIsChargedAndNoBodyIsAskedFor() throws Exception {
        BlockRef parent = tipRef();
        String free = "f".repeat(64); // every hash meets it: proof of work that costs nothing
        String hash = CanonicalEncoding.blockHash(parent.number() + 1, parent.hash(), parent.merkleRoot(),
                parent.time() + 1, free, 0);
        BlockRef cheap = new BlockRef(parent.number() + 1, hash, parent.hash(), parent.merkleRoot(), parent.time() + 1,
                free, 0);
        assertRefused(List.of(cheap), "wrong_target", "127.0.2.3", "0000000000000203");
    }

    @Test
    void aSideBranchWithLessWorkThanTheTipIsNeitherFetchedNorChargedNorStored() throws Exception {
        ChainStore store = node.getBean(ChainStore.class);
        long tipNumber = TestNetwork.chain(node).tip().number();
        BlockRef fork = store.mainChainAt(tipNumber - 3).orElseThrow().ref();
        List<BlockRef> branch = TestBlocks.headers(fork, 2); // real work, but two blocks where the tip has three
        double lowWork = TestNetwork.count(node, "tallynet.headers", "outcome", "low_work");
        double bans = TestNetwork.count(node, "tallynet.bans");
        try (RawPeer peer = aheadPeer("127.0.2.4", "0000000000000204")) {
            peer.send(new ListOfBlocksMessage(branch));
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    TestNetwork.count(node, "tallynet.headers", "outcome", "low_work") - lowWork == 2);
            assertThat(peer.next(GetBlockMessage.class, Duration.ofSeconds(1))).as("no body asked for").isNull();
            peer.send(GetBlockMessage.byNumber(0));
            assertThat(peer.next(BlockMessage.class, Duration.ofSeconds(5))).as("still connected").isNotNull();
        }
        assertThat(TestNetwork.count(node, "tallynet.bans")).isEqualTo(bans);
        assertThat(store.storedHeader(branch.getFirst().hash())).isEmpty();
        assertThat(TestNetwork.chain(node).tip().number()).isEqualTo(tipNumber);
    }

    @Test
    void aBlockNobodyAskedForIsIgnoredUnvalidatedEvenIfItExtendsTheTip() throws Exception {
        ChainStore store = node.getBean(ChainStore.class);
        Block tip = store.block(TestNetwork.chain(node).tip().hash()).orElseThrow();
        Block next = TestBlocks.block(tip, new byte[32], List.of(), tip.time() + 1000);
        double unrequested = TestNetwork.count(node, "tallynet.blocks.unrequested");
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.2.5", "0000000000000205")) {
            peer.send(new BlockMessage(next));
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    TestNetwork.count(node, "tallynet.blocks.unrequested") - unrequested == 1);
            peer.send(GetBlockMessage.byNumber(0));
            assertThat(peer.next(BlockMessage.class, Duration.ofSeconds(5))).as("still connected").isNotNull();
        }
        assertThat(store.storedHeader(next.hash())).as("not stored").isEmpty();
        assertThat(TestNetwork.chain(node).tip().hash()).isEqualTo(tip.hash());
    }

    @Test
    void anAnnouncedHashBringsARequestForHeadersNotForTheBody() throws Exception {
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.2.6", "0000000000000206")) {
            String made = String.format("%064x", 6206);
            peer.send(new BroadcastBlockMessage(TestNetwork.chain(node).tip().number() + 1, made));
            GetListOfBlocksMessage asked = peer.expect(GetListOfBlocksMessage.class);
            assertThat(asked.locator().getFirst()).isEqualTo(TestNetwork.chain(node).tip().hash());
            assertThat(peer.next(GetBlockMessage.class, Duration.ofSeconds(1))).as("no body for a bare hash").isNull();
        }
    }

    /** The list is refused at its bad entry with {@code reason}, charged, and nothing is asked for or stored. */
    private static void assertRefused(List<BlockRef> list, String reason, String host, String nodeId) throws Exception {
        double before = rejected(reason);
        String tip = TestNetwork.chain(node).tip().hash();
        try (RawPeer peer = aheadPeer(host, nodeId)) {
            peer.send(new ListOfBlocksMessage(list));
            await().atMost(Duration.ofSeconds(5)).until(() -> rejected(reason) - before == 1);
            assertThat(peer.next(GetBlockMessage.class, Duration.ofSeconds(1))).as("no body asked for").isNull();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> gauge("tallynet.sync.blocks.queued") == 0);
        for (BlockRef ref : list) {
            assertThat(node.getBean(ChainStore.class).storedHeader(ref.hash())).isEmpty();
        }
        assertThat(TestNetwork.chain(node).tip().hash()).isEqualTo(tip);
    }

    /** A peer that claims to be far ahead, so the node asks it for a list at once. */
    private static RawPeer aheadPeer(String host, String nodeId) throws IOException {
        RawPeer peer = RawPeer.handshaken(port, host, nodeId, 10_000, String.format("%064x", 9999));
        peer.expect(GetListOfBlocksMessage.class);
        return peer;
    }

    /** A child of {@code parent} on the right target whose coinbase claims {@code claim}. */
    private static Block mined(Block parent, long claim, long time) {
        long number = parent.number() + 1;
        Transaction coinbase = Transaction.of(List.of(TxInput.coinbase(number)),
                List.of(new TxOutput(TestBlocks.address(new byte[32]), claim)));
        return NonceSearch.solve(Block.of(number, parent.hash(), time, TestBlocks.PARAMS.initialTarget(), 0,
                List.of(coinbase)));
    }

    private static BlockRef tipRef() {
        return TestNetwork.chain(node).tip().ref();
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
