package net.tallynet.node.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.node.mining.Miner;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.protocol.codec.DecodeResult;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.PushTransactionMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * GETBLOCK {@code transactions} against a requester asking for too much (security review item 5):
 * each id is answered once, and the answer comes in PUSHTRANSACTION frames within the frame limit
 * (2 KiB here, so that 20 coinbase transactions need several), none charged, nothing changed.
 */
class GetTransactionsTest {
    private static final int FRAME_LIMIT = 2048;
    private static final FrameCodec CODEC = new FrameCodec();

    @TempDir
    static Path dir;
    static TestNetwork network;
    static ConfigurableApplicationContext node;
    static List<String> coinbaseIds = new ArrayList<>();
    static String tipBefore;

    @BeforeAll
    static void start() throws Exception {
        network = new TestNetwork(dir);
        node = network.node("n", "--tallynet.peers.max-frame-bytes=" + FRAME_LIMIT, "--tallynet.peers.max-outbound=0");
        ChainStore store = node.getBean(ChainStore.class);
        for (String hash : node.getBean(Miner.class).generate(20, null)) {
            coinbaseIds.add(store.block(hash).orElseThrow().transactions().getFirst().id());
        }
        tipBefore = TestNetwork.chain(node).tip().hash();
    }

    @AfterAll
    static void stop() {
        network.close();
    }

    @AfterEach
    void nodeIsUnchanged() {
        assertThat(TestNetwork.chain(node).tip().hash()).isEqualTo(tipBefore);
        assertThat(node.getBean(Mempool.class).size()).isZero();
    }

    @Test
    void aRepeatedIdIsAnsweredOnce() throws Exception {
        try (RawPeer peer = RawPeer.handshaken(TestNetwork.port(node), "127.0.0.51", "0000000000000051")) {
            peer.send(GetBlockMessage.transactions(Collections.nCopies(20, coinbaseIds.getFirst())));
            List<Transaction> received = answer(peer, new ArrayList<>());
            assertThat(received).extracting(Transaction::id).containsExactly(coinbaseIds.getFirst());
            assertNotCharged("0000000000000051");
        }
    }

    @Test
    void anAnswerOverTheFrameLimitIsSplitIntoSeveralFrames() throws Exception {
        try (RawPeer peer = RawPeer.handshaken(TestNetwork.port(node), "127.0.0.52", "0000000000000052")) {
            peer.send(GetBlockMessage.transactions(coinbaseIds));
            List<Integer> frameSizes = new ArrayList<>();
            List<Transaction> received = answer(peer, frameSizes);
            assertThat(received).extracting(Transaction::id).containsExactlyInAnyOrderElementsOf(coinbaseIds);
            assertThat(frameSizes).hasSizeGreaterThan(1).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(FRAME_LIMIT));
            assertNotCharged("0000000000000052");
        }
    }

    /** Every PUSHTRANSACTION that arrives until the node has been quiet for a second. */
    private static List<Transaction> answer(RawPeer peer, List<Integer> frameSizes) throws Exception {
        List<Transaction> received = new ArrayList<>();
        RawPeer.Frame frame;
        while ((frame = peer.next(Duration.ofSeconds(1))) != null) {
            assertThat(frame.opcode()).as("no close").isNotEqualTo(8);
            if (frame.opcode() == 1) {
                frameSizes.add(frame.payload().length);
                var message = ((DecodeResult.Decoded) CODEC.decode(frame.text())).message();
                received.addAll(((PushTransactionMessage) message).transactions());
            }
        }
        return received;
    }

    private static void assertNotCharged(String nodeId) {
        assertThat(node.getBean(PeerRegistry.class).established())
                .filteredOn(p -> p.remoteHello().nodeId().equals(nodeId))
                .singleElement().satisfies(p -> assertThat(p.misbehaviour()).isZero());
    }
}
