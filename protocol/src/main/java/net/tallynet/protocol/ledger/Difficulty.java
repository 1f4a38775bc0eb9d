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
     * the last interval really took against how long it should have, clamped to 4x either way and
     * to the maximum target; otherwise the parent's target carries on.
     *
     * @param intervalTimespanMillis time between the block retargetInterval blocks back and the parent
     *                               (ignored unless {@code number} is a retarget height)
     */
    public static String expectedTarget(long number, String parentTarget, long intervalTimespanMillis,
                                        ChainParams params) {
        if (number <= 1) {
            return params.initialTarget();
        }
        if (params.retargetInterval() == 0 || number % params.retargetInterval() != 0) {
            return parentTarget;
        }
        long expected = params.retargetInterval() * params.targetBlockTime().toMillis();
        long actual = Math.clamp(intervalTimespanMillis, expected / 4, expected * 4);
        BigInteger next = new BigInteger(parentTarget, 16).multiply(BigInteger.valueOf(actual))
                .divide(BigInteger.valueOf(expected));
        BigInteger max = new BigInteger(params.maxTarget(), 16);
        return toHex(next.min(max).max(BigInteger.ONE));
    }

    public static String toHex(BigInteger value) {
        String hex = value.toString(16);
        return "0".repeat(64 - hex.length()) + hex;
    }
}
