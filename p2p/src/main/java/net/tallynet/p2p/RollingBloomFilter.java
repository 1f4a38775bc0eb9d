package net.tallynet.p2p;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Which hashes (block hashes, transaction ids) a peer is known to have, in a few dozen kilobytes
 * rather than megabytes: a set of 10,000 64-character hex strings costs about 1.7 MB on the heap, per
 * peer, for each kind of inventory (security review item 19). Two Bloom filters in turn, as Bitcoin
 * Core's rolling filter: additions go to the current one; when it has taken half the capacity it
 * becomes the previous one and a fresh filter starts. So the newest {@code capacity / 2} hashes are
 * always remembered, up to {@code capacity}, and older ones fade out.
 *
 * <p>A false positive only means an announcement is skipped (the peer learns of the block or
 * transaction from another peer or the next list). Hashes come from peers, so the bit positions
 * are keyed with a random seed per filter: a peer cannot choose hashes that collide on purpose.
 * Not thread-safe; guard it.
 */
public final class RollingBloomFilter {
    private static final SecureRandom SEEDS = new SecureRandom();

    private final int generationSize;
    private final int bits;
    private final int hashes;
    private final long seed = SEEDS.nextLong();
    /**
     * The first few hashes are kept as they are, and the bit arrays allocated only when one more comes:
     * a peer dropped soon after its handshake (a flooder, banned within a second, reconnecting from the
     * next address) has given one or two, and its tens of kilobytes of filter, allocated at every
     * handshake, outlived enough young collections to be promoted and fill the old generation.
     */
    static final int EXACT = 8;
    private String[] first = new String[EXACT];
    private int inFirst;
    private long[] current;
    private long[] previous;
    private int inCurrent;

    /**
     * @param capacity             hashes remembered at most (at least the newest half of them)
     * @param falsePositiveRate    chance that a hash never added is reported as known
     */
    public RollingBloomFilter(int capacity, double falsePositiveRate) {
        if (capacity < 2 || falsePositiveRate <= 0 || falsePositiveRate >= 1) {
            throw new IllegalArgumentException("capacity must be at least 2 and the rate between 0 and 1");
        }
        this.generationSize = capacity / 2;
        // both generations are asked, so each gets half the false-positive budget
        double perGeneration = falsePositiveRate / 2;
        double ln2 = Math.log(2);
        this.bits = (int) Math.ceil(-generationSize * Math.log(perGeneration) / (ln2 * ln2));
        this.hashes = Math.max(1, (int) Math.round((double) bits / generationSize * ln2));
    }

    /** Adds a hash; true if it was not known before (so it is news to the peer). */
    public boolean add(String hash) {
        if (contains(hash)) {
            return false;
        }
        if (current == null) {
            if (inFirst < EXACT) {
                first[inFirst++] = hash;
                return true;
            }
            current = new long[(bits + 63) / 64];
            previous = new long[current.length];
            String[] kept = first;
            first = null;
            for (String earlier : kept) {
                set(earlier);
            }
        }
        set(hash);
        return true;
    }

    private void set(String hash) {
        if (inCurrent >= generationSize) {
            long[] recycled = previous;
            Arrays.fill(recycled, 0L);
            previous = current;
            current = recycled;
            inCurrent = 0;
        }
        long h1 = mix(hash, seed);
        long h2 = mix(hash, ~seed) | 1;
        for (int i = 0; i < hashes; i++) {
            int bit = (int) Long.remainderUnsigned(h1 + i * h2, bits);
            current[bit >>> 6] |= 1L << bit;
        }
        inCurrent++;
    }

    public boolean contains(String hash) {
        if (current == null) {
            for (int i = 0; i < inFirst; i++) {
                if (first[i].equals(hash)) {
                    return true;
                }
            }
            return false;
        }
        long h1 = mix(hash, seed);
        long h2 = mix(hash, ~seed) | 1;
        return in(current, h1, h2) || in(previous, h1, h2);
    }

    /** Heap taken by the two bit arrays: none until more than {@link #EXACT} hashes were added. */
    public long bytes() {
        return current == null ? 0 : 16L * current.length;
    }

    private boolean in(long[] filter, long h1, long h2) {
        for (int i = 0; i < hashes; i++) {
            int bit = (int) Long.remainderUnsigned(h1 + i * h2, bits);
            if ((filter[bit >>> 6] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** FNV-1a over the characters from a secret start, then the splitmix64 finaliser to spread the bits. */
    private static long mix(String text, long start) {
        long h = start ^ 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            h = (h ^ text.charAt(i)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
