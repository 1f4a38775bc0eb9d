package net.tallynet.p2p.websocket;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import net.tallynet.p2p.memory.PeerMemory;

/**
 * One connection's outbound frames, in order, bounded in bytes (security review item 9). Whoever sends
 * only enqueues, so a sender holding a lock of its own (block sync, relay, the keep-alive timer) never
 * waits for a peer's socket; one writer task per connection, on {@code writers}, drains the queue and
 * is the only thread that writes to the socket. A peer that reads so slowly that its queue would pass
 * the bound is not buffered further: the queue drops what it holds, refuses everything after, and runs
 * {@code onOverflow} on {@code writers} (the caller's thread, which may hold locks, never closes).
 *
 * <p>Bytes count from the moment a frame is queued until its write has returned, so the bound also
 * covers the frame being written.
 */
final class OutboundQueue {
    private record Entry(int bytes, Runnable write) {
    }

    /** Frames at least this large (blocks, long lists, transaction batches) count against the total. */
    static final int LARGE_FRAME_BYTES = 64 * 1024;

    private final long maxBytes;
    private final long maxAllBytes;
    private final Executor writers;
    private final Runnable onOverflow;
    private final AtomicLong allQueues;
    private final PeerMemory.Share share;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever bytes leave the queue (written or dropped) and when it stops. */
    private final Condition drained = lock.newCondition();
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long queuedBytes;
    private long writingBytes;
    private long progress;
    private boolean draining;
    private boolean closed;
    /** It stopped because a frame would have taken the peer past its share of the peer memory budget. */
    private volatile boolean overShare;

    /**
     * {@code allQueues}: the bytes queued on every connection of the process, for the gauge and for
     * {@code maxAllBytes}, what all queues together may take in large frames (see {@link #fitsTotal}).
     */
    OutboundQueue(long maxBytes, long maxAllBytes, Executor writers, Runnable onOverflow, AtomicLong allQueues,
                  PeerMemory.Share share) {
        this.share = share;
        this.maxBytes = maxBytes;
        this.maxAllBytes = maxAllBytes;
        this.writers = writers;
        this.onOverflow = onOverflow;
        this.allQueues = allQueues;
    }

    /**
     * Queues {@code write} (a frame of {@code bytes}). False if it was not queued: the queue had
     * stopped, or it would have passed its bound (it stops then, and {@code onOverflow} runs).
     */
    boolean offer(int bytes, Runnable write) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (queuedBytes + writingBytes + bytes > maxBytes) {
                stop();
                runOnWriters(onOverflow);
                return false;
            }
            if (!share.take(PeerMemory.Part.SENDING, bytes)) {
                overShare = true;
                stop();
                runOnWriters(onOverflow);
                return false;
            }
            add(new Entry(bytes, write));
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether a frame of {@code bytes} may be queued as far as all connections together are concerned. A
     * large frame is not, while all queues hold {@code maxAllBytes} or the peer memory budget has no room
     * for it: the sender drops it instead (the connection asks this only of answers, which then go
     * unanswered), so many peers that ask for large answers and stop reading cannot hold their per-peer
     * bound each (72 × 5 MiB). Small frames always fit; the per-peer bound still holds them.
     *
     * <p>A peer whose queue is empty reads what it is sent: its answer passes the send total (not the
     * peer memory budget). Flooders that stop reading can fill the total, and an honest peer's lists
     * (up to 740 KB for 2,000 headers) are large answers: without this they would go unsent for as long
     * as such a flood lasted. A queue holds at most one answer past the total so, since it is not empty
     * after it. Checked before queueing, not atomically with it: concurrent senders may pass the total
     * by a frame each.
     */
    boolean fitsTotal(int bytes) {
        if (bytes < LARGE_FRAME_BYTES) {
            return true;
        }
        return share.budget().fits(bytes) && (allQueues.get() + bytes <= maxAllBytes || bytes() == 0);
    }

    /**
     * Queues the last entry (the close), beyond the bound: it runs after every frame queued before it,
     * and nothing is accepted after it. False if the queue had already stopped.
     */
    boolean offerLast(Runnable write) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            add(new Entry(0, write));
            closed = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Drops everything queued and refuses what comes; a write in progress finishes (or fails) on its own. */
    void stop() {
        lock.lock();
        try {
            closed = true;
            allQueues.addAndGet(-queuedBytes);
            share.give(PeerMemory.Part.SENDING, queuedBytes);
            queuedBytes = 0;
            entries.clear();
            drained.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until at most {@code level} bytes are queued, or the queue has stopped: true then. False if
     * the writer wrote nothing for {@code stallNanos}: its peer has stopped reading.
     */
    boolean awaitAtMost(long level, long stallNanos) throws InterruptedException {
        lock.lock();
        try {
            long seen = progress;
            long left = stallNanos;
            while (!closed && queuedBytes + writingBytes > level) {
                if (progress != seen) {
                    seen = progress;
                    left = stallNanos;
                }
                if (left <= 0) {
                    return false;
                }
                left = drained.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes queued and not yet written, including the frame being written. */
    long bytes() {
        lock.lock();
        try {
            return queuedBytes + writingBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Whether it stopped because the peer's share of the peer memory budget was spent (else its own bound). */
    boolean overShare() {
        return overShare;
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    private void add(Entry entry) {
        entries.add(entry);
        queuedBytes += entry.bytes();
        allQueues.addAndGet(entry.bytes());
        if (!draining) {
            draining = true;
            runOnWriters(this::drain);
        }
    }

    /** The writer: one at a time per queue (the {@code draining} flag), so frames leave in order. */
    private void drain() {
        while (true) {
            Entry entry;
            lock.lock();
            try {
                entry = entries.poll();
                if (entry == null) {
                    draining = false;
                    return;
                }
                queuedBytes -= entry.bytes();
                writingBytes = entry.bytes();
            } finally {
                lock.unlock();
            }
            boolean failed = false;
            try {
                entry.write().run();
            } catch (RuntimeException e) {
                failed = true; // a write that throws leaves the connection in an unknown state: send nothing more
            }
            lock.lock();
            try {
                writingBytes = 0;
                progress++;
                allQueues.addAndGet(-entry.bytes());
                share.give(PeerMemory.Part.SENDING, entry.bytes());
                drained.signalAll();
            } finally {
                lock.unlock();
            }
            if (failed) {
                stop();
            }
        }
    }

    private void runOnWriters(Runnable task) {
        try {
            writers.execute(task);
        } catch (RejectedExecutionException shutDown) {
            // the process is stopping: nothing more is written (called under the lock, which is reentrant)
            draining = false;
            stop();
        }
    }
}
