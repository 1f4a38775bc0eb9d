package net.tallynet.protocol;

/** The protocol's fixed bounds. Every list and string a peer can send has one (PROTOCOL.md, "Limits"). */
public final class Limits {
    /** Largest integer every JSON implementation reads exactly (2^53 - 1). */
    public static final long MAX_SAFE_INTEGER = 9_007_199_254_740_991L;
    /** 21 million coins of 10^8 units: no amount or sum of amounts may exceed it. */
    public static final long MAX_MONEY = 2_100_000_000_000_000L;

    public static final int MAX_AGENT_LENGTH = 256;
    public static final int MAX_HOST_LENGTH = 253;
    public static final int MAX_ADDR_ENTRIES = 1000;
    public static final int MAX_LOCATOR_HASHES = 64;
    public static final int MAX_LIST_OF_BLOCKS = 2000;
    public static final int MAX_REQUESTED_TRANSACTIONS = 1000;
    /**
     * Most blocks one GETBLOCK {@code hashes} asks for (extension block-batches/1): four fetch windows of
     * 32, and at most 128 BLOCK answers queued for one request.
     */
    public static final int MAX_BATCH_BLOCKS = 128;
    public static final int MAX_PUSHED_TRANSACTIONS = 1000;
    public static final int MAX_ANNOUNCED_TRANSACTIONS = 1000;
    public static final int MAX_BLOCK_TRANSACTIONS = 10_000;
    public static final int MAX_TX_INPUTS = 1000;
    public static final int MAX_TX_OUTPUTS = 1000;
    /** Longest public key: 65 bytes covers every standard encoding of the common curves. */
    public static final int MAX_PUBLIC_KEY_BYTES = 65;
    /** Longest signature: a DER-encoded ECDSA signature is at most 72 bytes. */
    public static final int MAX_SIGNATURE_BYTES = 72;
    public static final long MAX_TX_INDEX = 0xFFFF_FFFFL;

    private Limits() {
    }
}
