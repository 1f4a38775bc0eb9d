package net.tallynet.node.network;

import static net.tallynet.node.TestNetwork.chain;
import static net.tallynet.node.TestNetwork.count;
import static net.tallynet.node.TestNetwork.port;
import static net.tallynet.node.TestNetwork.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestBlocks;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.mining.Miner;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.message.BlockMessage;
import net.tallynet.protocol.message.GetBlockMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A peer that asks for large blocks and then stops reading (security review item 9). Its answers fill
 * the TCP buffers and the node's writes to it block; the node must go on serving everyone else (block
 * relay takes the sync lock, which must never be held across a write) and drop the slow reader once
 * its queue passes the bound, holding no more than the bound for it meanwhile.
 */
class SlowReaderTest {
    /** The send time limit of the node under test. */
    private static final Duration SEND_TIME_LIMIT = Duration.ofSeconds(3);

    @TempDir
    static Path dir;
    static TestNetwork network;
    static ConfigurableApplicationContext node;
    static ConfigurableApplicationContext honest;
    static Block large;
    static int bound;

    @BeforeAll
    static void start() throws Exception {
        List<Block> blocks = TestBlocks.fanOutChain(1, 1000); // block 4 carries 1,000 payments
        large = blocks.getLast();
        int answer = new FrameCodec().encodeToBytes(new BlockMessage(large)).length;
        // room for one answer of that size and a few announcements; the slow reader's requests alone never
        // overflow it (reading them waits while an answer is queued), the announcements sent unasked do
        bound = answer + 1_000;
        network = new TestNetwork(dir);
        node = network.node("node", "--tallynet.peers.max-frame-bytes=" + bound,
                "--tallynet.peers.send-buffer-bytes=" + bound,
                "--tallynet.peers.send-time-limit=" + SEND_TIME_LIMIT.toMillis() + "ms");
        for (Block block : blocks) {
            node.getBean(Ledger.class).acceptBlock(block);
        }
        honest = network.node("honest", seed(node));
        awaitHonestAtTip(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        network.close();
    }

    @Test
    void aPeerWhoseQueuePassesTheBoundIsDroppedAndHoldsUpNobody() throws Exception {
        double slowReadersBefore = slowReaders();
        AtomicLong mostQueued = new AtomicLong();
        Thread sampler = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                mostQueued.accumulateAndGet((long) queuedBytes(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try (RawPeer slow = stoppedReader("127.0.0.2", "0000000000000051")) {
            // ten blocks at once: each is announced to both peers, so the slow reader's queue overflows
            node.getBean(Miner.class).generate(10, null);
            awaitHonestAtTip(Duration.ofSeconds(3));
            // and a block every quarter second for longer than the send time limit: each reaches the honest
            // peer at once (before the fix, the relay held the sync lock across a blocked write or close to
            // the slow reader, and the next block waited for up to 20 s)
            long until = System.nanoTime() + SEND_TIME_LIMIT.plusSeconds(3).toNanos();
            while (System.nanoTime() < until) {
                long started = System.nanoTime();
                node.getBean(Miner.class).generate(1, null);
                awaitHonestAtTip(Duration.ofSeconds(2));
                assertThat(Duration.ofNanos(System.nanoTime() - started))
                        .as("block %d mined and relayed", chain(node).tip().number())
                        .isLessThan(Duration.ofSeconds(2));
                Thread.sleep(250);
            }

            assertThat(slowReaders()).isEqualTo(slowReadersBefore + 1);
            // what was held for the slow reader is let go once its last write has given up
            await().atMost(SEND_TIME_LIMIT.plusSeconds(5)).until(() -> queuedBytes() == 0);
        } finally {
            sampler.interrupt();
        }
        // never more than the slow reader's bound queued, besides the few frames to the honest peer
        assertThat(mostQueued.get()).isGreaterThan(bound / 2).isLessThanOrEqualTo(bound + 10_000L);
    }

    @Test
    void aPeerThatReadsNothingForTheSendTimeLimitIsDropped() throws Exception {
        double slowReadersBefore = slowReaders();
        try (RawPeer slow = stoppedReader("127.0.0.3", "0000000000000052")) {
            // nothing is sent unasked now, so the queue stays within its bound: the stuck write ends it
            long started = System.nanoTime();
            await().atMost(SEND_TIME_LIMIT.plusSeconds(5)).until(() -> slowReaders() == slowReadersBefore + 1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(SEND_TIME_LIMIT.plusSeconds(2));
            await().atMost(Duration.ofSeconds(5)).until(() -> queuedBytes() == 0);
        }
        // and an honest peer is served as before
        try (RawPeer peer = RawPeer.handshaken(port(node), "127.0.0.4", "0000000000000053")) {
            peer.send(GetBlockMessage.byNumber(1)); // a small one: this client reads no fragmented frames
            assertThat(peer.expect(BlockMessage.class).block().number()).isEqualTo(1);
        }
    }

    /**
     * A handshaken peer with a small receive buffer that asks for ~20 MB of blocks, far more than the
     * kernel buffers between us take in, then never reads again; returns once the node's write is stuck.
     */
    private static RawPeer stoppedReader(String host, String nodeId) throws Exception {
        RawPeer slow = RawPeer.handshaken(new RawPeer(port(node), host, 4096), nodeId);
        for (int i = 0; i < 60; i++) {
            slow.send(GetBlockMessage.byNumber(large.number()));
        }
        Thread.sleep(1_000);
        return slow;
    }

    private static void awaitHonestAtTip(Duration wait) {
        await().atMost(wait).until(() -> chain(honest).tip().hash().equals(chain(node).tip().hash()));
    }

    private static double slowReaders() {
        return count(node, "tallynet.connections.closed", "reason", "slow_reader");
    }

    private static double queuedBytes() {
        Gauge gauge = node.getBean(MeterRegistry.class).find("tallynet.send.queue").gauge();
        return gauge == null ? 0 : gauge.value();
    }
}
