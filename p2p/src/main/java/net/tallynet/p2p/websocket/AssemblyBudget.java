package net.tallynet.p2p.websocket;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import net.tallynet.p2p.memory.PeerMemory;

/**
 * The bytes all peers' frames may take together while they are assembled from parts
 * ({@code tallynet.peers.max-assembling-bytes}). Each peer may assemble one frame of up to the frame
 * limit; without a total, 72 peers each half-way through a 4 MiB frame would hold 288 MiB. A part
 * that does not fit waits (its peer is not read meanwhile, so TCP slows it down) until other frames
 * complete or their peers are dropped; a peer that waits past its frame time limit is dropped.
 */
final class AssemblyBudget {
    /** How often a waiting part looks again: room may come free in other parts of the peer memory budget, which do not signal here. */
    private static final long RECHECK_NANOS = 50_000_000;
    private final long capacity;
    private final PeerMemory memory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private long used;

    /** {@code capacity}: this part's own bound; {@code memory}: the one peer budget, whose total it must fit as well. */
    AssemblyBudget(long capacity, PeerMemory memory) {
        this.capacity = capacity;
        this.memory = memory;
    }

    /**
     * Takes {@code bytes}, waiting at most {@code waitNanos} for them; false if they did not come free, or
     * if {@code cancelled} turned true meanwhile (the connection closed: see {@link #wake()}).
     */
    boolean acquire(long bytes, long waitNanos, BooleanSupplier cancelled) throws InterruptedException {
        lock.lock();
        try {
            long left = waitNanos;
            while (used + bytes > capacity || !memory.fits(bytes)) {
                if (left <= 0 || cancelled.getAsBoolean()) {
                    return false;
                }
                long slice = Math.min(left, RECHECK_NANOS);
                left -= slice - released.awaitNanos(slice);
            }
            used += bytes;
            return true;
        } finally {
            lock.unlock();
        }
    }

    void release(long bytes) {
        if (bytes == 0) {
            return;
        }
        lock.lock();
        try {
            used -= bytes;
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting part, so one whose connection has closed stops waiting (and frees its thread). */
    void wake() {
        lock.lock();
        try {
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long used() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }
}
