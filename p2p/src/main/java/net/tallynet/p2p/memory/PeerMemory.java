package net.tallynet.p2p.memory;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The one account of the memory peers can make this process keep (PROTOCOL.md 8): each connection's
 * fixed state (receive buffer, known-inventory filters), frames arriving in parts, frames queued to
 * send, blocks held for a missing parent and headers queued for download all draw from it.
 *
 * <p>Two bounds. Each connection has a {@link Share} of at most {@code perPeer} bytes: a part that
 * would take a peer past it gets nothing, and the peer is dropped ({@code memory_budget}), never
 * buffered further. All shares together may hold {@code total}: a part asks {@link #fits} before it
 * takes what it can go without (a frame in parts waits unread, a large answer goes unsent, a block
 * waiting for its parent is fetched again later), so under attack the parts compete for one budget
 * sized to the heap instead of each filling a bound of its own. The per-part totals
 * ({@code max-assembling-bytes}, {@code max-send-bytes}, {@code max-held-bytes}) stay as sub-limits,
 * so no one part can take the whole budget from the others.
 *
 * <p>Lock-free: parts take and give on I/O threads, the block sync's lock and writers.
 */
public final class PeerMemory {

    /** What a share is held for, for the gauges and PROTOCOL.md 8. */
    public enum Part {
        /** The container's receive buffer and the known-inventory filters: fixed per connection. */
        CONNECTION,
        /** A frame arriving in parts, by the capacity allocated for it. */
        ASSEMBLING,
        /** Frames queued to send and the one being written. */
        SENDING,
        /** Blocks this peer delivered that wait for their parent. */
        HELD_BLOCKS,
        /** Headers this peer listed whose bodies are queued for download. */
        QUEUED_HEADERS;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The fixed part of a node connection besides its receive buffer: the rolling Bloom filters of the
     * block hashes and transaction ids known to the peer (about 36 KB and 72 KB, PROTOCOL.md 8).
     */
    public static final long KNOWN_INVENTORY_BYTES = 108 * 1024;

    /** No bound: for transports and tests that keep no account. */
    public static final PeerMemory UNBOUNDED = new PeerMemory(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2);

    private final long total;
    private final long perPeer;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLongArray usedByPart = new AtomicLongArray(Part.values().length);

    public PeerMemory(long total, long perPeer) {
        if (total < 1 || perPeer < 1) {
            throw new IllegalArgumentException("peer memory bounds must be positive");
        }
        this.total = total;
        this.perPeer = perPeer;
    }

    /** {@link #PeerMemory(long, long)} with the gauges {@code tallynet_peers_memory_bytes{part}} and the limits. */
    public PeerMemory(long total, long perPeer, MeterRegistry meters) {
        this(total, perPeer);
        for (Part part : Part.values()) {
            Gauge.builder("tallynet.peers.memory", this, memory -> memory.used(part)).baseUnit("bytes")
                    .tag("part", part.label())
                    .description("Memory peers hold in the one peer budget, by what it holds").register(meters);
        }
        Gauge.builder("tallynet.peers.memory.limit", this, PeerMemory::total).baseUnit("bytes")
                .description("The peer memory budget: what all peers together may make the node keep").register(meters);
        Gauge.builder("tallynet.peers.memory.share", this, PeerMemory::perPeer).baseUnit("bytes")
                .description("What one peer may make the node keep before it is dropped").register(meters);
    }

    /** A new connection's share; what it holds goes back at {@link Share#close()}. */
    public Share open() {
        return new Share();
    }

    /** Whether {@code bytes} more fit the total now (checked, not reserved: concurrent takers may pass it by a part each). */
    public boolean fits(long bytes) {
        return used.get() + bytes <= total;
    }

    public long used() {
        return used.get();
    }

    public long used(Part part) {
        return usedByPart.get(part.ordinal());
    }

    public long total() {
        return total;
    }

    public long perPeer() {
        return perPeer;
    }

    /** One connection's part of the budget. */
    public final class Share {
        private final AtomicLong held = new AtomicLong();
        private final AtomicLongArray heldByPart = new AtomicLongArray(Part.values().length);
        private volatile boolean closed;

        private Share() {
        }

        /**
         * Takes {@code bytes} for {@code part}; false, taking nothing, if that would pass this peer's
         * share or the share is closed: the caller drops the peer rather than keep more for it.
         */
        public boolean take(Part part, long bytes) {
            if (bytes <= 0) {
                return true;
            }
            if (closed) {
                return false;
            }
            if (held.addAndGet(bytes) > perPeer) {
                held.addAndGet(-bytes);
                return false;
            }
            heldByPart.addAndGet(part.ordinal(), bytes);
            usedByPart.addAndGet(part.ordinal(), bytes);
            used.addAndGet(bytes);
            if (closed) { // closed while we took: close() may not have seen it
                give(part, bytes);
                return false;
            }
            return true;
        }

        /** Gives back up to {@code bytes} of {@code part} (never more than it holds: a late give after close is harmless). */
        public void give(Part part, long bytes) {
            if (bytes <= 0) {
                return;
            }
            int index = part.ordinal();
            long given;
            while (true) {
                long current = heldByPart.get(index);
                given = Math.min(current, bytes);
                if (given == 0 || heldByPart.compareAndSet(index, current, current - given)) {
                    break;
                }
            }
            if (given > 0) {
                held.addAndGet(-given);
                usedByPart.addAndGet(index, -given);
                used.addAndGet(-given);
            }
        }

        /** The connection is gone: everything it held goes back, and it takes nothing more. */
        public void close() {
            closed = true;
            for (Part part : Part.values()) {
                give(part, heldByPart.get(part.ordinal()));
            }
        }

        public long held() {
            return held.get();
        }

        public long held(Part part) {
            return heldByPart.get(part.ordinal());
        }

        /** The budget this share draws from (for parts that also ask whether the total fits). */
        public PeerMemory budget() {
            return PeerMemory.this;
        }
    }
}
