package net.tallynet.protocol.message;

/**
 * Protocol extensions a peer may list in its HELLO (PROTOCOL.md 12). An extension's methods are sent
 * only to a peer that listed it: a version-1 peer refuses a method it does not know.
 */
public final class Extensions {
    /**
     * Compact block relay (PROTOCOL.md 12.1): SENDCOMPACT, COMPACTBLOCK, GETBLOCKTXN, BLOCKTXN and
     * GETBLOCK's {@code compact} flag. The suffix is the extension's version.
     */
    public static final String COMPACT_BLOCKS = "compact-blocks/1";
    /**
     * Block batches (PROTOCOL.md 12.2): GETBLOCK's {@code hashes}, many blocks in one request, so a sync
     * from one peer is not held to one block per request the requester's pacing allows.
     */
    public static final String BLOCK_BATCHES = "block-batches/1";
    /** Most extensions one HELLO may list. */
    public static final int MAX_LISTED = 16;
    /** Longest extension name. */
    public static final int MAX_NAME_LENGTH = 32;

    private Extensions() {
    }
}
