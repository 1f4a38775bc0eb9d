package net.tallynet.node.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.tallynet.node.TestBlocks;
import net.tallynet.node.chain.ChainStore;
import java.time.Duration;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.node.mining.Miner;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.message.BlockMessage;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.GetListOfBlocksMessage;
import net.tallynet.protocol.message.HelloMessage;
import net.tallynet.protocol.message.HeyMessage;
import net.tallynet.protocol.message.ListOfBlocksMessage;
import net.tallynet.protocol.message.BlockRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Hostile peers against a real node over real sockets, one case per test, each from its own 127.x
 * address (bans are per host). Every one is disconnected with its reason and counted, and afterwards
 * the node is unchanged (same tip, empty mempool) and still serves an honest peer.
 */
class HostilePeerTest {
    @TempDir
    static Path dir;
    static TestNetwork network;
    static ConfigurableApplicationContext node;
    static int port;
    static String tipBefore;

    @BeforeAll
    static void start() throws Exception {
        network = new TestNetwork(dir);
        // raw peers never answer pings: 10 s leaves three 1 s fetch timeouts well ahead of the keep-alive
        node = network.node("target", "--tallynet.peers.ping-interval=500ms", "--tallynet.peers.ping-timeout=10s",
                "--tallynet.sync.fetch-timeout=1s");
        port = TestNetwork.port(node);
        node.getBean(Miner.class).generate(5, null);
        tipBefore = TestNetwork.chain(node).tip().hash();
    }

    @AfterAll
    static void stop() {
        network.close();
    }

    private static final AtomicInteger HONEST_CHECKS = new AtomicInteger();

    @AfterEach
    void nodeIsUnharmed() throws Exception {
        assertThat(TestNetwork.chain(node).tip().hash()).isEqualTo(tipBefore);
        assertThat(node.getBean(Mempool.class).size()).isZero();
        // a new id each time: the node may still be closing the previous check's connection, and the same
        // id from the same host again would be refused as a duplicate connection
        String id = String.format("%016x", 0xaa00 + HONEST_CHECKS.incrementAndGet());
        try (RawPeer honest = RawPeer.handshaken(port, "127.0.0.200", id)) {
            honest.send(GetBlockMessage.byNumber(5));
            assertThat(honest.expect(BlockMessage.class).block().hash()).isEqualTo(tipBefore);
        }
    }

    @Test
    void malformedFramesGetThePeerBanned() throws Exception {
        double before = rejected("not_json");
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.0.11", "0000000000000011")) {
            for (int i = 0; i < 10; i++) {
                peer.sendText("{\"GETBLOCK\": not json");
            }
            RawPeer.Frame close = peer.awaitClose(Duration.ofSeconds(10));
            assertThat(close).isNotNull();
            assertThat(close.closeStatus()).isEqualTo(1008);
            assertThat(close.closeReason()).isEqualTo("misbehaviour:not_json");
        }
        assertThat(rejected("not_json") - before).isEqualTo(10);
        // the address is banned: a new connection is refused before the WebSocket upgrade
        double refused = TestNetwork.count(node, "tallynet.connections.refused", "reason", "banned");
        assertThatThrownBy(() -> new RawPeer(port, "127.0.0.11")).isInstanceOf(IOException.class)
                .hasMessageContaining("403");
        assertThat(TestNetwork.count(node, "tallynet.connections.refused", "reason", "banned") - refused).isEqualTo(1);
    }

    @Test
    void anOversizedFrameIsRefusedWhileItArrives() throws Exception {
        double before = rejected("frame_too_large");
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.0.12", "0000000000000012")) {
            try {
                peer.sendText("{\"ADDR\":{\"addresses\":[\"" + "x".repeat(4 * 1024 * 1024) + "\"]}}");
            } catch (IOException closedWhileSending) {
                // the node may close before the last bytes are written
            }
            RawPeer.Frame close = peer.awaitClose(Duration.ofSeconds(10));
            assertThat(close).isNotNull();
            assertThat(close.closeStatus()).isEqualTo(1009);
            assertThat(close.closeReason()).isEqualTo("frame_too_large");
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(rejected("frame_too_large") - before).isEqualTo(1));
    }

    @Test
    void aMethodBeforeTheHandshakeClosesTheConnection() throws Exception {
        try (RawPeer peer = new RawPeer(port, "127.0.0.13")) {
            peer.send(GetBlockMessage.byNumber(1));
            RawPeer.Frame close = peer.awaitClose(Duration.ofSeconds(10));
            assertThat(close.closeStatus()).isEqualTo(1008);
            assertThat(close.closeReason()).isEqualTo("handshake_required");
        }
    }

    @Test
    void aRequestedBlockWhoseBodyDoesNotMatchItsHeaderIsRejectedAndChargedNotStored() throws Exception {
        Block tip = node.getBean(ChainStore.class).block(tipBefore).orElseThrow();
        // a good header, listed and asked for; the body sent with it carries other transactions
        Block honest = TestBlocks.block(tip, new byte[32], List.of(), tip.time() + 1000);
        byte[] otherMiner = new byte[32];
        otherMiner[0] = 1;
        Block other = TestBlocks.block(tip, otherMiner, List.of(), tip.time() + 1000);
        Block forged = new Block(honest.number(), honest.hash(), honest.previousHash(), honest.merkleRoot(),
                honest.time(), honest.target(), honest.nonce(), other.transactions());
        double before = rejected("bad_merkle_root");
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.0.14", "0000000000000014", 10_000,
                String.format("%064x", 14))) {
            peer.expect(GetListOfBlocksMessage.class);
            peer.send(new ListOfBlocksMessage(List.of(BlockRef.of(honest))));
            assertThat(peer.expect(GetBlockMessage.class).hash()).isEqualTo(honest.hash());
            peer.send(new BlockMessage(forged));
            await().atMost(Duration.ofSeconds(5)).until(() -> rejected("bad_merkle_root") - before == 1);
        }
        assertThat(node.getBean(ChainStore.class).storedHeader(honest.hash())).isEmpty();
        assertThat(TestNetwork.chain(node).tip().hash()).isEqualTo(tipBefore);
    }

    @Test
    void aFloodingPeerIsDisconnected() throws Exception {
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.0.15", "0000000000000015")) {
            try {
                for (int i = 0; i < 1000; i++) {
                    peer.send(new HeyMessage(null));
                }
            } catch (IOException closedWhileSending) {
                // disconnected part-way: that is the point
            }
            RawPeer.Frame close = peer.awaitClose(Duration.ofSeconds(10));
            assertThat(close.closeStatus()).isEqualTo(1008);
            assertThat(close.closeReason()).isEqualTo("rate_limited");
        }
    }

    @Test
    void aPeerThatListsBlocksItNeverServesIsDroppedAndForgotten() throws Exception {
        // lists 2,000 blocks it never made (real headers, no bodies) and answers no request: every fetch timeout (1 s here) moves its 32
        // outstanding requests, nobody else has those blocks so they are dropped, and after 3 stalls in a
        // row the peer is disconnected; the queue it filled empties
        double stalledBefore = TestNetwork.count(node, "tallynet.fetch.rerequests", "cause", "stalled");
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.0.16", "0000000000000016", 3000, String.format("%064x", 2000))) {
            peer.expect(GetListOfBlocksMessage.class); // it claims to be ahead: the node asks what it has
            List<BlockRef> fake = TestBlocks.headers(TestNetwork.chain(node).tip().ref(), 2000);
            peer.send(new ListOfBlocksMessage(fake));
            GetBlockMessage asked = peer.expect(GetBlockMessage.class);
            assertThat(asked.hash()).isEqualTo(fake.getFirst().hash());
            RawPeer.Frame close = peer.awaitClose(Duration.ofSeconds(15));
            assertThat(close).isNotNull();
            assertThat(close.closeReason()).isEqualTo("stalled");
        }
        assertThat(TestNetwork.count(node, "tallynet.fetch.rerequests", "cause", "stalled") - stalledBefore)
                .isEqualTo(3 * 32);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(node.getBean(MeterRegistry.class).get("tallynet.sync.blocks.queued").gauge().value()).isZero());
    }

    @Test
    void aStrangerClaimingAnotherNodesIdNeitherKeepsItOutNorDisplacesIt() throws Exception {
        // review item 15: node ids are public (GET /api/peers) and unproven
        String victimId = "00000000000000cc";
        try (RawPeer impostor = RawPeer.handshaken(port, "127.0.0.18", victimId);
             RawPeer victim = RawPeer.handshaken(port, "127.0.0.19", victimId)) {
            for (RawPeer peer : List.of(victim, impostor)) {
                peer.send(GetBlockMessage.byNumber(1));
                assertThat(peer.expect(BlockMessage.class).block().number()).isEqualTo(1);
            }
            // the same node id from the same address is still one peer: a second connection is refused
            try (RawPeer again = new RawPeer(port, "127.0.0.19")) {
                String network = Genesis.networkId("devnet");
                again.send(new HelloMessage(1, network, 1, network,
                        System.currentTimeMillis(), 0, victimId, "raw-peer/1", "node"));
                again.send(new HeyMessage(victimId));
                RawPeer.Frame close = again.awaitClose(Duration.ofSeconds(10));
                assertThat(close.closeReason()).isEqualTo("duplicate_connection");
            }
        }
    }

    @Test
    void aSilentPeerIsDroppedByTheKeepAlive() throws Exception {
        double before = TestNetwork.count(node, "tallynet.connections.closed", "reason", "unresponsive");
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.0.17", "0000000000000017")) {
            // never answers the pings
            RawPeer.Frame close = peer.awaitClose(Duration.ofSeconds(25));
            assertThat(close).isNotNull();
            assertThat(close.closeReason()).isEqualTo("unresponsive");
        }
        assertThat(TestNetwork.count(node, "tallynet.connections.closed", "reason", "unresponsive") - before)
                .isEqualTo(1);
    }

    private static double rejected(String reason) {
        return TestNetwork.count(node, "tallynet.frames.rejected", "reason", reason);
    }
}
