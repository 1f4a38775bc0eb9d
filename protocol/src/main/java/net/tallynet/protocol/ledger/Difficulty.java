package net.tallynet.protocol.ledger;

import java.math.BigInteger;

/** Proof of work: targets, work and the periodic adjustment (PROTOCOL.md 5.1). */
public final class Difficulty {
    private static final BigInteger TWO_TO_256 = BigInteger.ONE.shiftLeft(256);

    private Difficulty() {
    }

    /** A hash meets a target when, read as 256-bit unsigned big-endian numbers, hash ≤ target. */
    public static boolean meetsTarget(String hash, String target) {
        // both are 64 lower-case hex characters, so text order is numeric order
        return hash.compareTo(target) <= 0;
    }

    /** Expected hashes to meet {@code target}: 2^256 / (target + 1). Chains are compared by the sum of this. */
    public static BigInteger work(String target) {
        return TWO_TO_256.divide(new BigInteger(target, 16).add(BigInteger.ONE));
    }

    /**
     * The target block {@code number} must carry. Block 1 uses the initial target (genesis has the
     * maximum); at every multiple of the retarget interval the parent's target is scaled by how long
     * the measured block intervals really took against how long they should have ({@code intervals} ×
     * the target block time), clamped to 4x either way and to the maximum target; otherwise the
     * parent's target carries on.
     *
     * @param timespanMillis time from the first block of the window ({@link #windowIntervals}) to the parent
     *                       (ignored unless {@code number} is a retarget height)
     * @param intervals      block intervals in that window, {@link #windowIntervals}
     */
    public static String expectedTarget(long number, String parentTarget, long timespanMillis, long intervals,
                                        ChainParams params) {
        if (number <= 1) {
            return params.initialTarget();
        }
        if (!isRetarget(number, params) || intervals < 1) {
            return parentTarget;
        }
        long expected = intervals * params.targetBlockTime().toMillis();
        long actual = Math.clamp(timespanMillis, expected / 4, expected * 4);
        BigInteger next = new BigInteger(parentTarget, 16).multiply(BigInteger.valueOf(actual))
                .divide(BigInteger.valueOf(expected));
        BigInteger max = new BigInteger(params.maxTarget(), 16);
        return toHex(next.min(max).max(BigInteger.ONE));
    }

    /** Whether block {@code number} is one whose target is adjusted. */
    public static boolean isRetarget(long number, ChainParams params) {
        return params.retargetInterval() > 0 && number > 1 && number % params.retargetInterval() == 0;
    }

    /**
     * The block intervals the adjustment at {@code number} measures: the retarget interval's worth, from
     * block {@code number − 1 − interval} to the parent, so each window begins where the last one ended
     * (the block at the boundary counts in both: non-overlapping windows left one interval of every
     * window unmeasured, and let a majority miner warp time between them). Genesis never counts: its time
     * is fixed long before any network begins, so the first window starts at block 1 and is shorter.
     */
    public static long windowIntervals(long number, ChainParams params) {
        return Math.max(0, Math.min(params.retargetInterval(), number - 2));
    }

    public static String toHex(BigInteger value) {
        String hex = value.toString(16);
        return "0".repeat(64 - hex.length()) + hex;
    }
}
