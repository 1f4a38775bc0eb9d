package net.tallynet.p2p.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.tallynet.p2p.memory.PeerMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {
    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong allQueues = new AtomicLong();
    private final AtomicInteger overflows = new AtomicInteger();
    private final List<String> written = new CopyOnWriteArrayList<>();
    /** Holds the writer inside its write, as a socket that the peer does not read would. */
    private final CountDownLatch peerReads = new CountDownLatch(1);
    private final CountDownLatch inWrite = new CountDownLatch(1);

    @AfterEach
    void stop() {
        writers.shutdownNow();
    }

    @Test
    void framesAreWrittenInTheOrderQueuedByOneWriterAtATime() {
        OutboundQueue queue = queue(1_000_000);
        AtomicInteger writing = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        for (int i = 0; i < 2_000; i++) {
            String frame = "f" + i;
            assertThat(queue.offer(10, () -> {
                if (writing.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                written.add(frame);
                writing.decrementAndGet();
            })).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 2_000);
        for (int i = 0; i < 2_000; i++) {
            assertThat(written.get(i)).isEqualTo("f" + i);
        }
        assertThat(overlaps).hasValue(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.bytes() == 0 && allQueues.get() == 0);
    }

    @Test
    void theSenderNeverWaitsForAStuckWriterAndTheQueueStopsAtItsBound() throws Exception {
        OutboundQueue queue = queue(1_000);
        assertThat(queue.offer(400, this::stuckWrite)).isTrue();
        inWrite.await();
        long started = System.nanoTime();
        assertThat(queue.offer(400, () -> written.add("second"))).isTrue();
        assertThat(queue.bytes()).isEqualTo(800); // the frame being written counts until it has gone
        assertThat(allQueues).hasValue(800);

        assertThat(queue.offer(201, () -> written.add("over"))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> overflows.get() == 1);
        // dropped, not buffered: only the frame in the (stuck) write is still held, and nothing more is taken
        assertThat(queue.isClosed()).isTrue();
        assertThat(queue.bytes()).isEqualTo(400);
        assertThat(queue.offer(1, () -> written.add("after"))).isFalse();

        peerReads.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.bytes() == 0 && allQueues.get() == 0);
        assertThat(written).containsExactly("stuck");
        assertThat(overflows).hasValue(1);
    }

    @Test
    void aFrameUpToTheBoundFitsAnEmptyQueue() {
        OutboundQueue queue = queue(1_000);
        assertThat(queue.offer(1_000, () -> written.add("largest"))).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 1);
        assertThat(overflows).hasValue(0);
    }

    @Test
    void theCloseRunsAfterTheFramesQueuedBeforeItAndNothingIsTakenAfter() {
        OutboundQueue queue = queue(1_000);
        queue.offer(10, () -> written.add("a"));
        queue.offer(10, () -> written.add("b"));
        assertThat(queue.offerLast(() -> written.add("close"))).isTrue();
        assertThat(queue.offer(10, () -> written.add("c"))).isFalse();
        assertThat(queue.offerLast(() -> written.add("close again"))).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 3);
        assertThat(written).containsExactly("a", "b", "close");
    }

    @Test
    void readingWaitsUntilTheQueueHasRoomAndGivesUpOnAWriterThatMakesNoProgress() throws Exception {
        OutboundQueue queue = queue(1_000);
        queue.offer(600, this::stuckWrite);
        inWrite.await();
        long started = System.nanoTime();
        assertThat(queue.awaitAtMost(100, TimeUnit.MILLISECONDS.toNanos(200))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(200));

        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                assertThat(queue.awaitAtMost(100, TimeUnit.SECONDS.toNanos(10))).isTrue();
                written.add("read on");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertThat(written).isEmpty();
        peerReads.countDown();
        reader.join(5_000);
        assertThat(written).containsExactly("stuck", "read on");
    }

    @Test
    void aStoppedQueueReleasesAWaitingReader() throws Exception {
        OutboundQueue queue = queue(1_000);
        queue.offer(600, this::stuckWrite);
        inWrite.await();
        queue.offer(300, () -> written.add("dropped"));
        Thread.ofVirtual().start(() -> {
            sleep(100);
            queue.stop();
        });
        assertThat(queue.awaitAtMost(100, TimeUnit.SECONDS.toNanos(10))).isTrue();
        assertThat(queue.bytes()).isEqualTo(600);
        peerReads.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.bytes() == 0);
        assertThat(written).containsExactly("stuck");
    }

    @Test
    void largeFramesWaitForRoomInWhatAllQueuesHoldTogetherSmallOnesDoNot() throws Exception {
        int large = OutboundQueue.LARGE_FRAME_BYTES;
        long total = 2L * large + large / 2;
        OutboundQueue stuck = new OutboundQueue(4L * large, total, writers, overflows::incrementAndGet, allQueues, PeerMemory.UNBOUNDED.open());
        OutboundQueue other = new OutboundQueue(4L * large, total, writers, overflows::incrementAndGet, allQueues, PeerMemory.UNBOUNDED.open());
        assertThat(stuck.fitsTotal(large)).isTrue();
        assertThat(stuck.offer(large, this::stuckWrite)).isTrue();
        inWrite.await();
        assertThat(stuck.offer(large, () -> written.add("queued behind"))).isTrue();
        // two large frames held by a peer that does not read: a third would pass 2.5 x 64 KiB
        assertThat(stuck.fitsTotal(large)).as("a third large answer to the peer that does not read").isFalse();
        assertThat(other.fitsTotal(large)).as("a peer whose queue is empty reads what it is sent").isTrue();
        assertThat(other.offer(large, () -> written.add("other"))).isTrue();
        assertThat(stuck.fitsTotal(large - 1)).as("a small frame").isTrue();
        assertThat(other.fitsTotal(large / 2)).isTrue();
        assertThat(other.isClosed()).as("only the frame is refused, not the peer").isFalse();
        peerReads.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> allQueues.get() == 0);
        assertThat(stuck.fitsTotal(large)).as("room again once written").isTrue();
        assertThat(overflows).hasValue(0);
    }

    @Test
    void theOnePeerMemoryBudgetBindsLargeFramesEvenForAPeerThatReads() {
        int large = OutboundQueue.LARGE_FRAME_BYTES;
        PeerMemory memory = new PeerMemory(3L * large, 8L * large);
        memory.open().take(PeerMemory.Part.ASSEMBLING, 2L * large + 1); // other parts hold most of the budget
        OutboundQueue reader = new OutboundQueue(4L * large, Long.MAX_VALUE, writers, overflows::incrementAndGet,
                allQueues, memory.open());
        assertThat(reader.fitsTotal(large)).as("no room in the budget, empty queue or not").isFalse();
        assertThat(reader.fitsTotal(large - 1)).as("a small frame").isTrue();
    }

    private OutboundQueue queue(long maxBytes) {
        return new OutboundQueue(maxBytes, Long.MAX_VALUE, writers, overflows::incrementAndGet, allQueues, PeerMemory.UNBOUNDED.open());
    }

    private void stuckWrite() {
        inWrite.countDown();
        try {
            peerReads.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        written.add("stuck");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
