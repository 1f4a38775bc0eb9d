package net.tallynet.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.mining.Miner;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.message.BlockMessage;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.GetListOfBlocksMessage;
import net.tallynet.protocol.message.ListOfBlocksMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Lists and blocks cost the serving node reads and encoding, so what it serves is budgeted per peer and
 * for all peers together (PROTOCOL.md 6); what a budget refuses is left unanswered, counted, and not
 * charged. Small budgets here make them reachable with a few requests.
 */
class ServingBudgetTest {
    @TempDir
    Path dir;

    @Test
    void listsAreAnsweredWithinTheBudgetOfEachPeerAndOfAllPeers() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("lists", "--tallynet.serving.lists-per-second=1",
                    "--tallynet.serving.list-burst=2", "--tallynet.serving.total-lists-per-second=3");
            int port = TestNetwork.port(node);
            node.getBean(Miner.class).generate(3, null);
            GetListOfBlocksMessage fromGenesis = new GetListOfBlocksMessage(0, List.of(Genesis.of("devnet").hash()));
            try (RawPeer greedy = RawPeer.handshaken(port, "127.0.3.1", "0000000000000301");
                 RawPeer other = RawPeer.handshaken(port, "127.0.3.2", "0000000000000302");
                 RawPeer quiet = RawPeer.handshaken(port, "127.0.3.3", "0000000000000303")) {
                for (int i = 0; i < 5; i++) {
                    greedy.send(fromGenesis);
                }
                greedy.expect(ListOfBlocksMessage.class);
                greedy.expect(ListOfBlocksMessage.class);
                // at once (the budget for all refills 3 a second): 1 of the 3 for all peers is left
                for (int i = 0; i < 2; i++) {
                    other.send(fromGenesis);
                }
                // the total is spent now, but a peer that has asked for nothing is answered: a crowd cannot starve it
                quiet.send(fromGenesis);
                assertThat(answers(other)).as("what is left for all peers").isEqualTo(1);
                assertThat(answers(greedy)).as("nothing beyond its own burst of 2").isZero();
                assertThat(answers(quiet)).as("a quiet peer's first list, the total spent").isEqualTo(1);
            }
            assertThat(unanswered(node, "GETLISTOFBLOCKS", "peer")).isEqualTo(3);
            assertThat(unanswered(node, "GETLISTOFBLOCKS", "total")).isEqualTo(1);
            assertThat(node.getBean(MeterRegistry.class).find("tallynet.frames.rejected").counters().stream()
                    .mapToDouble(Counter::count).sum()).as("nobody charged").isZero();
        }
    }

    @Test
    void blockAnswersStopWhenThePeersByteBudgetIsSpent() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("blocks", "--tallynet.peers.max-frame-bytes=65536",
                    "--tallynet.peers.byte-burst=65536", "--tallynet.serving.block-byte-burst=65536",
                    "--tallynet.serving.block-bytes-per-second=100");
            int port = TestNetwork.port(node);
            node.getBean(Miner.class).generate(1, null);
            try (RawPeer peer = RawPeer.handshaken(port, "127.0.3.3", "0000000000000303")) {
                for (int i = 0; i < 300; i++) {
                    peer.send(GetBlockMessage.byNumber(1));
                }
                int blocks = blocks(peer);
                // a block frame is a few hundred bytes: 64 KiB of budget answers some of the 300, not all
                assertThat(blocks).isBetween(1, 299);
                assertThat(unanswered(node, "GETBLOCK", "peer")).isEqualTo(300 - blocks);
            }
        }
    }

    @Test
    void blockLookUpsAreBoundedForAllPeersTogether() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("lookups", "--tallynet.serving.blocks-per-second=4",
                    "--tallynet.serving.total-blocks-per-second=5");
            int port = TestNetwork.port(node);
            node.getBean(Miner.class).generate(1, null);
            try (RawPeer first = RawPeer.handshaken(port, "127.0.3.4", "0000000000000304");
                 RawPeer second = RawPeer.handshaken(port, "127.0.3.5", "0000000000000305")) {
                for (int i = 0; i < 4; i++) {
                    first.send(GetBlockMessage.byNumber(1));
                    second.send(GetBlockMessage.byNumber(1));
                }
                // each asks within its own budget of 4, the 8 together past the 5 for all peers (which refills
                // 5 a second: a slow run may see one or two more)
                int answered = blocks(first) + blocks(second);
                assertThat(answered).as("the budget for all peers").isBetween(5, 7);
                assertThat(unanswered(node, "GETBLOCK", "total")).isEqualTo(8 - answered);
            }
            assertThat(unanswered(node, "GETBLOCK", "peer")).as("within each peer's own budget").isZero();
            assertThat(node.getBean(MeterRegistry.class).find("tallynet.frames.rejected").counters().stream()
                    .mapToDouble(Counter::count).sum()).as("nobody charged").isZero();
        }
    }

    /**
     * A peer whose answers' byte budget is spent makes the node look up nothing more: its further requests
     * would otherwise read blocks only to refuse them, and take the look-ups every other peer needs.
     */
    @Test
    void aPeerOutOfByteBudgetTakesNoLookUpsFromOthers() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            // small enough that a byte budget holds a few blocks and the look-ups refill slowly
            ConfigurableApplicationContext node = network.node("spent", "--tallynet.peers.max-frame-bytes=8192",
                    "--tallynet.peers.byte-burst=8192", "--tallynet.serving.block-byte-burst=8192",
                    "--tallynet.serving.block-bytes-per-second=1", "--tallynet.serving.blocks-per-second=20",
                    "--tallynet.serving.total-blocks-per-second=20");
            int port = TestNetwork.port(node);
            node.getBean(Miner.class).generate(1, null);
            try (RawPeer spender = RawPeer.handshaken(port, "127.0.3.6", "0000000000000306");
                 RawPeer other = RawPeer.handshaken(port, "127.0.3.7", "0000000000000307")) {
                for (int i = 0; i < 300; i++) {
                    spender.send(GetBlockMessage.byNumber(1));
                }
                // a block frame is about 1 KB: 8 KiB answer some 8 of the 300; wait for the rest to be refused (had
                // they been looked up, they would have taken the 20 look-ups for all peers)
                await().atMost(Duration.ofSeconds(20)).until(() -> unanswered(node, "GETBLOCK", "peer")
                        + unanswered(node, "GETBLOCK", "total") >= 285);
                for (int i = 0; i < 5; i++) {
                    other.send(GetBlockMessage.byNumber(1));
                }
                assertThat(blocks(other)).as("the look-ups the spender's refused requests did not take").isEqualTo(5);
                int spent = blocks(spender);
                assertThat(spent).isBetween(1, 15);
                assertThat(unanswered(node, "GETBLOCK", "peer")).isEqualTo(300 - spent);
            }
            assertThat(unanswered(node, "GETBLOCK", "total")).isZero();
        }
    }

    /**
     * A peer asking steadily past its byte budget is still served at the budget's rate: a refused answer
     * spends nothing, and the budget refills to the size of the next answer between requests.
     */
    @Test
    void aPeerAskingSteadilyPastItsByteBudgetIsServedAtItsRate() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("steady", "--tallynet.peers.max-frame-bytes=65536",
                    "--tallynet.peers.byte-burst=65536", "--tallynet.serving.block-byte-burst=65536",
                    "--tallynet.serving.block-bytes-per-second=65536", "--tallynet.peers.messages-per-second=2000",
                    "--tallynet.peers.message-burst=4000");
            int port = TestNetwork.port(node);
            node.getBean(Miner.class).generate(1, null);
            try (RawPeer peer = RawPeer.handshaken(port, "127.0.3.8", "0000000000000308")) {
                long started = System.nanoTime();
                for (int i = 0; i < 3000; i++) { // 3 s or more, about 10 times what the budget serves
                    peer.send(GetBlockMessage.byNumber(1));
                    Thread.sleep(1);
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                int served = blocks(peer);
                // a frame of under 1 KB: the burst serves over 64, then 64 KiB a second over 64 more each second
                // (about 90 here); emptied after each refusal (it refills a millisecond's worth, 66 bytes, between
                // requests) it served about 40 a second; and the budget binds: not all 3,000
                assertThat(served).isBetween(60 + (int) (60 * seconds), 1000);
            }
        }
    }


    private static int blocks(RawPeer peer) throws Exception {
        return received(peer, BlockMessage.class, Duration.ofSeconds(2));
    }

    private static int answers(RawPeer peer) throws Exception {
        return received(peer, ListOfBlocksMessage.class, Duration.ofSeconds(1));
    }

    /** Frames of {@code type} the peer receives until none comes for {@code quiet}. */
    private static int received(RawPeer peer, Class<? extends net.tallynet.protocol.message.Message> type,
                                Duration quiet) throws Exception {
        int count = 0;
        while (peer.next(type, quiet) != null) {
            count++;
        }
        return count;
    }

    private static double unanswered(ConfigurableApplicationContext node, String method, String limit) {
        return TestNetwork.count(node, "tallynet.requests.unanswered", "method", method, "limit", limit);
    }
}
