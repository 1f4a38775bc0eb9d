package net.tallynet.protocol.message;

import java.util.List;
import net.tallynet.protocol.Check;
import net.tallynet.protocol.InvalidMessageException;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.OptionalField;
import net.tallynet.protocol.RejectReason;

/**
 * Requests one block by {@code hash} or by {@code number} (answered with BLOCK), or transactions by
 * id (answered with PUSHTRANSACTION, unknown ids left out), or blocks by {@code hashes} (each answered
 * with its own BLOCK, in the order listed: extension block-batches/1, PROTOCOL.md 12.2). Exactly one of
 * the four is present. {@code compact: true} beside a {@code hash} asks for the block as COMPACTBLOCK
 * instead (extension compact-blocks/1, PROTOCOL.md 12.1). An extension's selector is sent only to a
 * peer that listed the extension.
 */
public record GetBlockMessage(@OptionalField String hash, @OptionalField Long number,
                              @OptionalField List<String> transactions, @OptionalField List<String> hashes,
                              @OptionalField Boolean compact) implements Message {

    public GetBlockMessage {
        int selectors = (hash != null ? 1 : 0) + (number != null ? 1 : 0) + (transactions != null ? 1 : 0)
                + (hashes != null ? 1 : 0);
        if (selectors == 0) {
            throw new InvalidMessageException(RejectReason.MISSING_FIELD,
                    "one of hash, number, transactions or hashes is required");
        }
        if (selectors > 1) {
            throw new InvalidMessageException(RejectReason.CONFLICTING_FIELDS,
                    "only one of hash, number, transactions or hashes may be given");
        }
        if (hash != null) {
            Check.hash("hash", hash);
        }
        if (compact != null && hash == null) {
            throw new InvalidMessageException(RejectReason.CONFLICTING_FIELDS, "compact goes only with hash");
        }
        if (number != null) {
            Check.range("number", number, 0, Limits.MAX_SAFE_INTEGER);
        }
        if (transactions != null) {
            transactions = hashList("transactions", transactions, Limits.MAX_REQUESTED_TRANSACTIONS);
        }
        if (hashes != null) {
            hashes = hashList("hashes", hashes, Limits.MAX_BATCH_BLOCKS);
        }
    }

    public GetBlockMessage(String hash, Long number, List<String> transactions) {
        this(hash, number, transactions, null, null);
    }

    public static GetBlockMessage byHash(String hash) {
        return new GetBlockMessage(hash, null, null);
    }

    /** The block as COMPACTBLOCK: only to a peer that listed compact-blocks/1. */
    public static GetBlockMessage compactByHash(String hash) {
        return new GetBlockMessage(hash, null, null, null, true);
    }

    public static GetBlockMessage byNumber(long number) {
        return new GetBlockMessage(null, number, null);
    }

    public static GetBlockMessage transactions(List<String> ids) {
        return new GetBlockMessage(null, null, ids);
    }

    /** Up to {@link Limits#MAX_BATCH_BLOCKS} blocks, each as its own BLOCK: only to a peer that listed block-batches/1. */
    public static GetBlockMessage byHashes(List<String> hashes) {
        return new GetBlockMessage(null, null, null, hashes, null);
    }

    /** Whether the block is asked for as COMPACTBLOCK. */
    public boolean wantsCompact() {
        return Boolean.TRUE.equals(compact);
    }

    @Override
    public Method method() {
        return Method.GETBLOCK;
    }

    private static List<String> hashList(String field, List<String> values, int max) {
        List<String> checked = Check.list(field, values, 1, max);
        checked.forEach(value -> Check.hash(field + "[]", value));
        return checked;
    }
}
