package net.tallynet.p2p.websocket;

import java.util.concurrent.atomic.AtomicLong;
import net.tallynet.p2p.memory.PeerMemory;

/**
 * Builds one text frame from the parts the container hands over. The container's buffer stays small
 * (it is allocated per session, before any check); a frame is assembled here and refused the moment
 * it passes the frame limit, so nothing beyond the limit is ever held (security review item 2). What
 * a frame in parts holds is taken from the {@link AssemblyBudget} shared by all peers, by the
 * capacity actually allocated, and given back once the frame has been handled ({@link #done()}). A
 * frame in parts must be complete within the frame time limit: a peer trickling a large frame cannot
 * hold its share for ever.
 */
final class FrameAssembler {
    // add() and done() run on the connection's read thread, one at a time; drop() may run on another
    // thread when the connection closes, so what is reserved is atomic and a drop is seen by the reader
    private final int maxChars;
    private final AssemblyBudget budget;
    private final PeerMemory.Share share;
    private final long frameTimeLimitNanos;
    private StringBuilder parts;
    /** Budget held: the capacity of {@link #parts}, or of the frame handed out and not yet done. */
    private final AtomicLong reserved = new AtomicLong();
    private volatile boolean dropped;
    /** Whether the frame in parts holds a character beyond Latin-1, so two bytes each. */
    private boolean wide;
    /** When the first part of the frame in parts arrived (nanoTime); 0 when none is. */
    private volatile long startedAt;

    /** {@code maxChars}: the frame limit; JSON text is ASCII, so characters are bytes. */
    FrameAssembler(int maxChars, AssemblyBudget budget, PeerMemory.Share share, long frameTimeLimitNanos) {
        this.maxChars = maxChars;
        this.budget = budget;
        this.share = share;
        this.frameTimeLimitNanos = frameTimeLimitNanos;
    }

    /**
     * The whole frame once {@code last} arrives; null while parts are still coming. A frame handed out
     * keeps its budget until {@link #done()}.
     */
    String add(String part, boolean last) throws RefusedException, InterruptedException {
        int length = (parts == null ? 0 : parts.length()) + part.length();
        if (length > maxChars) {
            throw refuse(Refusal.TOO_LARGE);
        }
        if (dropped) {
            throw new RefusedException(Refusal.NO_BUDGET); // closed meanwhile: nothing more is taken
        }
        if (last && parts == null) {
            return part; // one part: the container's buffer, not ours
        }
        long now = System.nanoTime();
        if (parts == null) {
            startedAt = now;
        } else if (now - startedAt > frameTimeLimitNanos) {
            throw refuse(Refusal.TOO_SLOW);
        }
        int capacity = parts == null ? 0 : parts.capacity();
        int grown = length > capacity
                ? Math.min(maxChars, Math.max(length, Math.max(2 * capacity, 2 * part.length()))) : capacity;
        // a String keeps one byte per character while all are Latin-1 (JSON of this protocol is ASCII);
        // one other character, which a hostile peer may send, makes the whole builder two bytes each
        wide = wide || !latin1(part);
        long bytes = (long) grown * (wide ? 2 : 1);
        long more = bytes - reserved.get();
        if (more > 0) {
            if (!share.take(PeerMemory.Part.ASSEMBLING, more)) {
                throw refuse(Refusal.OVER_SHARE); // the peer holds its whole share of the peer memory budget
            }
            long wait = frameTimeLimitNanos - (now - startedAt);
            if (!budget.acquire(more, wait, () -> dropped)) {
                share.give(PeerMemory.Part.ASSEMBLING, more);
                throw refuse(Refusal.NO_BUDGET);
            }
            reserved.addAndGet(more);
            if (dropped) { // dropped while we waited: give back what drop() could not see
                release(reserved.getAndSet(0));
                throw new RefusedException(Refusal.NO_BUDGET);
            }
        }
        if (grown > capacity) {
            StringBuilder larger = new StringBuilder(grown);
            if (parts != null) {
                larger.append(parts);
            }
            parts = larger;
        }
        parts.append(part);
        if (!last) {
            return null;
        }
        String frame = parts.toString();
        parts = null;
        wide = false;
        startedAt = 0;
        return frame;
    }

    /** The frame handed out by {@link #add} has been handled: its budget goes back. */
    void done() {
        if (parts == null) {
            release(reserved.getAndSet(0));
        }
    }

    private void release(long bytes) {
        budget.release(bytes);
        share.give(PeerMemory.Part.ASSEMBLING, bytes);
    }

    /** The connection is gone (or its frame refused): whatever it held goes back, and nothing more is taken. */
    void drop() {
        dropped = true;
        startedAt = 0;
        release(reserved.getAndSet(0));
        budget.wake(); // a part of ours waiting for room stops waiting
    }

    private static boolean latin1(String part) {
        for (int i = 0; i < part.length(); i++) {
            if (part.charAt(i) > 0xff) {
                return false;
            }
        }
        return true;
    }

    /** On the read thread: the frame is refused, the connection will be closed. */
    private RefusedException refuse(Refusal refusal) {
        parts = null;
        wide = false;
        drop();
        return new RefusedException(refusal);
    }

    /** How long the frame in parts has been arriving, 0 if none is. */
    long assemblingNanos() {
        long started = startedAt;
        return started == 0 ? 0 : System.nanoTime() - started;
    }

    enum Refusal {
        /** The frame passed the frame limit. */
        TOO_LARGE,
        /** The frame took longer than the frame time limit to arrive. */
        TOO_SLOW,
        /** All peers' frames in parts took the whole budget for longer than this frame's time limit. */
        NO_BUDGET,
        /** The frame would take the peer past its share of the peer memory budget. */
        OVER_SHARE
    }

    static final class RefusedException extends Exception {
        private final Refusal refusal;

        RefusedException(Refusal refusal) {
            super(null, null, false, false);
            this.refusal = refusal;
        }

        Refusal refusal() {
            return refusal;
        }
    }
}
