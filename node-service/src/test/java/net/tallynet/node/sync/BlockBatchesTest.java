package net.tallynet.node.sync;

import static net.tallynet.node.TestNetwork.chain;
import static net.tallynet.node.TestNetwork.count;
import static net.tallynet.node.TestNetwork.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import net.tallynet.node.network.NodeIdentity;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.message.BlockMessage;
import net.tallynet.protocol.message.Extensions;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.GetListOfBlocksMessage;
import net.tallynet.protocol.message.ListOfBlocksMessage;
import net.tallynet.protocol.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Block batches (PROTOCOL.md 12.2) between real nodes over real sockets: a node answers GETBLOCK
 * {@code hashes} with each block's BLOCK in the order asked, skipping what it lacks, within one frame
 * limit of blocks; refuses it from a peer that did not list the extension; and a node syncing from a
 * peer that lists it asks for its blocks in batches, so its request pacing no longer bounds the sync.
 */
class BlockBatchesTest {
    private static final List<String> BATCHES = List.of(Extensions.BLOCK_BATCHES);
    /** Blocks the sync tests download: at 5 GETBLOCK frames a second, a minute's worth one block per frame. */
    private static final int SYNC_BLOCKS = 300;
    private static final String UNKNOWN = "00000000000000000000000000000000000000000000000000000000000000ff";

    @TempDir
    Path dir;

    @Test
    void aBatchIsAnsweredInOrderSkippingUnknownHashesAndRefusedFromAPeerThatDidNotListIt() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("n", "--tallynet.peers.max-outbound=0");
            List<Block> blocks = TestBlocks.connectEmpty(node, Ed25519Keys.newSecretKey(), 5);
            int port = TestNetwork.port(node);
            assertThat(node.getBean(NodeIdentity.class).hello().extensions()).contains(Extensions.BLOCK_BATCHES);

            try (RawPeer peer = RawPeer.handshakenWith(port, "127.0.0.71", "0000000000000071", BATCHES)) {
                Block first = blocks.get(0);
                Block second = blocks.get(1);
                Block third = blocks.get(2);
                peer.send(GetBlockMessage.byHashes(List.of(third.hash(), UNKNOWN, first.hash(), third.hash(),
                        second.hash())));
                assertThat(blocksReceived(peer, 3)).containsExactly(third.hash(), first.hash(), second.hash());
                assertNothingMoreBeforeGenesis(peer);
                assertThat(misbehaviour(node, "0000000000000071")).isZero();
            }

            double refused = count(node, "tallynet.frames.rejected", "reason", PeerExtensions.NOT_NEGOTIATED);
            try (RawPeer plain = RawPeer.handshaken(port, "127.0.0.72", "0000000000000072")) {
                plain.send(GetBlockMessage.byHashes(List.of(blocks.get(0).hash())));
                assertNothingMoreBeforeGenesis(plain);
                assertThat(misbehaviour(node, "0000000000000072")).isPositive();
            }
            assertThat(count(node, "tallynet.frames.rejected", "reason", PeerExtensions.NOT_NEGOTIATED) - refused)
                    .isEqualTo(1);
        }
    }

    /**
     * The node reads a peer's next request only while its send queue has room for one answer of the frame
     * limit, so the answers to one batch go one frame limit at a time, each part once the queue has room
     * again (here: once it is empty, the queue's bound being the frame limit), and none is cut: a requester
     * would take a missing one for a block the node lacks. Requests sent meanwhile are answered after them.
     */
    @Test
    void aBatchLargerThanTheFrameLimitIsAnsweredWholeInPartsAndInOrder() throws Exception {
        int frameLimit = 2048;
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("n", "--tallynet.peers.max-outbound=0",
                    "--tallynet.peers.max-frame-bytes=" + frameLimit, "--tallynet.peers.send-buffer-bytes=" + frameLimit);
            List<Block> blocks = TestBlocks.connectEmpty(node, Ed25519Keys.newSecretKey(), 5);
            long bytes = 0;
            for (Block block : blocks) {
                bytes += node.getBean(ChainStore.class).frame(block.hash()).orElseThrow().length;
            }
            assertThat(bytes).as("the batch's answers need several parts").isGreaterThan(frameLimit);

            try (RawPeer peer = RawPeer.handshakenWith(TestNetwork.port(node), "127.0.0.73", "0000000000000073", BATCHES)) {
                List<String> hashes = blocks.stream().map(Block::hash).toList();
                peer.send(GetBlockMessage.byHashes(hashes));
                // a list request after it is answered only after the batch's last part: one producer of answers
                // per peer, so the list cannot overflow a queue the batch's parts fill
                peer.send(new GetListOfBlocksMessage(0, List.of(Genesis.of("devnet").hash())));
                peer.send(GetBlockMessage.byHash(blocks.getFirst().hash()));
                List<String> blocksBeforeTheList = new ArrayList<>();
                Message message;
                while (!((message = peer.nextMessage()) instanceof ListOfBlocksMessage)) {
                    if (message instanceof BlockMessage block) {
                        blocksBeforeTheList.add(block.block().hash());
                    }
                }
                assertThat(blocksBeforeTheList).isEqualTo(hashes);
                assertThat(blocksReceived(peer, 1)).containsExactly(blocks.getFirst().hash());
                assertNothingMoreBeforeGenesis(peer);
                assertThat(misbehaviour(node, "0000000000000073")).isZero();
            }
        }
    }

    /**
     * One batch names 128 blocks, so the message rate no longer bounds the blocks a peer makes the node look
     * up: each is taken from the peer's own budget (tallynet.serving.blocks-per-second), and what is past it
     * is left unanswered and counted, uncharged, as any serving budget leaves a request.
     */
    @Test
    void aBatchPastThePeersLookUpBudgetIsAnsweredOnlyUpToIt() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("n", "--tallynet.peers.max-outbound=0",
                    "--tallynet.serving.blocks-per-second=3");
            List<Block> blocks = TestBlocks.connectEmpty(node, Ed25519Keys.newSecretKey(), 5);
            double unanswered = count(node, "tallynet.requests.unanswered", "method", "GETBLOCK", "limit", "peer");

            try (RawPeer peer = RawPeer.handshakenWith(TestNetwork.port(node), "127.0.0.74", "0000000000000074", BATCHES)) {
                peer.send(GetBlockMessage.byHashes(blocks.stream().map(Block::hash).toList()));
                assertThat(blocksReceived(peer, 3)).isEqualTo(blocks.subList(0, 3).stream().map(Block::hash).toList());
                Thread.sleep(500); // a token back for the genesis request below
                assertNothingMoreBeforeGenesis(peer);
                assertThat(misbehaviour(node, "0000000000000074")).isZero();
            }
            assertThat(count(node, "tallynet.requests.unanswered", "method", "GETBLOCK", "limit", "peer") - unanswered).isEqualTo(1);
        }
    }

    /**
     * At 5 GETBLOCK frames a second, one block per frame would take a minute for 300 blocks; in batches the
     * sync takes a few seconds and a few dozen frames. A node with batches off asks one block per frame.
     */
    @Test
    void aSyncFromAPeerListingBatchesAsksForManyBlocksPerGetBlock() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext a = sourceOfSyncBlocks(network);

            ConfigurableApplicationContext b = syncedFrom(network, a, "b", "--tallynet.sync.requests-per-second=5");
            assertThat(count(b, "tallynet.frames.sent", "method", "GETBLOCK")).isLessThan(SYNC_BLOCKS / 3.0);

            ConfigurableApplicationContext c = syncedFrom(network, a, "c", "--tallynet.sync.block-batches=false");
            assertThat(c.getBean(NodeIdentity.class).hello().extensions()).doesNotContain(Extensions.BLOCK_BATCHES);
            assertThat(count(c, "tallynet.frames.sent", "method", "GETBLOCK")).isGreaterThanOrEqualTo(SYNC_BLOCKS);
            assertThat(count(a, "tallynet.frames.rejected", "reason", PeerExtensions.NOT_NEGOTIATED)).isZero();
        }
    }

    /**
     * A batch brings up to 128 BLOCKs for one request, far past a receiver's message rate; a BLOCK answering
     * the receiver's own request gives its message back (PeerSession.solicited), so a node limited to 20
     * messages a second syncs 300 blocks in batches without closing its source as rate_limited.
     */
    @Test
    void theAnswersToOwnBatchesDoNotCountAgainstTheMessageRate() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext a = sourceOfSyncBlocks(network);
            ConfigurableApplicationContext b = syncedFrom(network, a, "b", "--tallynet.peers.messages-per-second=20",
                    "--tallynet.peers.message-burst=20");
            assertThat(count(b, "tallynet.frames.rejected", "reason", "rate_limited")).isZero();
        }
    }

    /** A node that mined {@value #SYNC_BLOCKS} blocks for others to sync. */
    private static ConfigurableApplicationContext sourceOfSyncBlocks(TestNetwork network) throws Exception {
        ConfigurableApplicationContext source = network.node("a");
        source.getBean(Miner.class).generate(SYNC_BLOCKS, null);
        return source;
    }

    /** A new node seeded with {@code source}, once it is on the source's tip, having received each block once. */
    private static ConfigurableApplicationContext syncedFrom(TestNetwork network, ConfigurableApplicationContext source,
                                                             String name, String... settings) {
        String tip = chain(source).tip().hash();
        List<String> arguments = new ArrayList<>(List.of(seed(source)));
        arguments.addAll(List.of(settings));
        ConfigurableApplicationContext node = network.node(name, arguments.toArray(String[]::new));
        await().atMost(Duration.ofSeconds(50)).untilAsserted(() -> assertThat(chain(node).tip().hash()).isEqualTo(tip));
        assertThat(count(node, "tallynet.frames.received", "method", "BLOCK")).isEqualTo(SYNC_BLOCKS);
        return node;
    }

    /** The hashes of the next {@code count} BLOCKs the peer receives. */
    private static List<String> blocksReceived(RawPeer peer, int count) throws IOException {
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BlockMessage block = peer.next(BlockMessage.class, Duration.ofSeconds(5));
            assertThat(block).as("BLOCK %d of %d", i + 1, count).isNotNull();
            hashes.add(block.block().hash());
        }
        return hashes;
    }

    /** Frames are handled in order: the next BLOCK is the answer to a GETBLOCK of genesis sent now. */
    private static void assertNothingMoreBeforeGenesis(RawPeer peer) throws IOException {
        peer.send(GetBlockMessage.byNumber(0));
        BlockMessage next = peer.next(BlockMessage.class, Duration.ofSeconds(10));
        assertThat(next).as("the node answered GETBLOCK of genesis").isNotNull();
        assertThat(next.block().hash()).isEqualTo(Genesis.of("devnet").hash());
    }

    private static int misbehaviour(ConfigurableApplicationContext node, String nodeId) {
        return node.getBean(PeerRegistry.class).established().stream()
                .filter(p -> p.remoteHello().nodeId().equals(nodeId))
                .findFirst().orElseThrow().misbehaviour();
    }
}
