package net.tallynet.node.sync;

import java.util.ArrayList;
import java.util.List;

/**
 * Transaction ids to announce, in the order they entered the mempool, numbered. Every peer keeps its own
 * position in it and is sent what lies past that position when its timer fires, so each peer's
 * announcements go at their own times without a queue per peer. Bounded: a peer whose timer lags so far
 * that its position falls out of the log skips what it missed (the ids are still fetched by whoever
 * announces them to it, or arrive in a block). Not thread-safe; {@link TransactionRelay} guards it.
 */
final class AnnouncementLog {
    private final String[] ids;
    /** When each id was appended (nanos): how long a peer has had something waiting. */
    private final long[] times;
    /** The number the next appended id gets; ids numbered below {@code next - ids.length} are gone. */
    private long next;

    AnnouncementLog(int capacity) {
        this.ids = new String[capacity];
        this.times = new long[capacity];
    }

    void append(String id, long nanos) {
        ids[(int) (next % ids.length)] = id;
        times[(int) (next % ids.length)] = nanos;
        next++;
    }

    /** When the id numbered {@code n} (or, if it is gone, the oldest one kept) was appended; n must be below the head. */
    long appendedAt(long n) {
        return times[(int) (Math.max(n, next - ids.length) % ids.length)];
    }

    /** The number the next id will get: a position at which nothing is pending. */
    long head() {
        return next;
    }

    /** Ids numbered from {@code from} on (those still kept), oldest first. */
    List<String> since(long from) {
        long start = Math.max(from, next - ids.length);
        List<String> pending = new ArrayList<>((int) Math.max(0, next - start));
        for (long n = start; n < next; n++) {
            pending.add(ids[(int) (n % ids.length)]);
        }
        return pending;
    }

    /** How many ids numbered from {@code from} on are no longer kept. */
    long lostSince(long from) {
        return Math.max(0, next - ids.length - from);
    }
}
