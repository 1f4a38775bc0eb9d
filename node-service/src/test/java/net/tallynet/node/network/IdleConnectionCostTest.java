package net.tallynet.node.network;

import static net.tallynet.node.TestNetwork.count;
import static net.tallynet.node.TestNetwork.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestBlocks;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.p2p.websocket.P2pWebSocketHandler;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.message.BlockMessage;
import net.tallynet.protocol.message.BlockRef;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.GetListOfBlocksMessage;
import net.tallynet.protocol.message.ListOfBlocksMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What an idle connection costs (security review item 2). The frame limit is 8 MiB here: a container
 * buffer of that size per connection made 40 idle connections cost 640 MB of heap; now they cost
 * next to nothing, a connection past {@code max-inbound} does not add a session (it evicts the youngest
 * idle one, see FullInboundSlotsTest for the refusal), and a legal frame far larger than the container's
 * buffer still arrives whole.
 */
class IdleConnectionCostTest {
    private static final int CONNECTIONS = 40;
    private static final long MiB = 1024 * 1024;

    @TempDir
    static Path dir;
    static TestNetwork network;
    static ConfigurableApplicationContext node;

    @BeforeAll
    static void start() {
        network = new TestNetwork(dir);
        node = network.node("n", "--tallynet.peers.max-outbound=0", "--tallynet.peers.max-inbound=" + CONNECTIONS,
                "--tallynet.peers.max-frame-bytes=" + 8 * MiB, "--tallynet.peers.byte-burst=" + 16 * MiB,
                "--tallynet.peers.send-buffer-bytes=" + 9 * MiB,
                "--tallynet.peers.handshake-timeout=60s");
    }

    @AfterAll
    static void stop() {
        network.close();
    }

    @Test
    void idleConnectionsDoNotCostAFrameBufferEachAndTheOneTooManyTakesTheSlotOfTheYoungest() throws Exception {
        P2pWebSocketHandler handler = node.getBean(P2pWebSocketHandler.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> handler.openSessions() == 0);
        long before = usedHeapAfterGc();
        List<RawPeer> idle = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                idle.add(new RawPeer(port(node), "127.0.0.70"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> handler.openSessions() == CONNECTIONS);
            long grown = usedHeapAfterGc() - before;
            // one frame-sized buffer per connection would be 40 x 16 MB (8 Mi chars); allow 1.5 MB each
            assertThat(grown).as("heap grown by %d MB", grown / MiB).isLessThan(60 * MiB);

            // one more takes the slot of the youngest idle connection, evicted before the newcomer's upgrade
            double evicted = count(node, "tallynet.connections.closed", "reason", "evicted");
            idle.add(new RawPeer(port(node), "127.0.0.71"));
            assertThat(count(node, "tallynet.connections.closed", "reason", "evicted") - evicted).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> handler.openSessions() == CONNECTIONS);
        } finally {
            for (RawPeer peer : idle) {
                peer.close();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> handler.openSessions() == 0);
    }

    @Test
    void aLegalFrameOfAMegabyteStillArrivesWhole() throws Exception {
        ChainStore store = node.getBean(ChainStore.class);
        Block block = TestBlocks.block(store.block(TestNetwork.chain(node).tip().hash()).orElseThrow(), new byte[32],
                List.of());
        // unknown fields are ignored at any depth (PROTOCOL.md 1): a valid BLOCK frame of about 1 MB
        String frame = new FrameCodec().encode(new BlockMessage(block))
                .replaceFirst("^\\{\"BLOCK\":\\{", "{\"BLOCK\":{\"padding\":\"" + "x".repeat(1_000_000) + "\",");
        await().atMost(Duration.ofSeconds(10)).until(() -> node.getBean(P2pWebSocketHandler.class).openSessions() == 0);
        try (RawPeer peer = RawPeer.handshaken(port(node), "127.0.0.72", "0000000000000072", 10_000,
                String.format("%064x", 72))) {
            // headers first: the body goes as the answer to the node's GETBLOCK for a header it listed
            peer.expect(GetListOfBlocksMessage.class);
            peer.send(new ListOfBlocksMessage(List.of(BlockRef.of(block))));
            peer.expect(GetBlockMessage.class);
            peer.sendText(frame);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(TestNetwork.chain(node).tip().hash()).isEqualTo(block.hash()));
        }
        assertThat(node.getBean(Mempool.class).size()).isZero();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
