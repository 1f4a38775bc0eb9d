package net.tallynet.node.sync;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.message.CompactBlockMessage;
import net.tallynet.protocol.message.PrefilledTransaction;
import net.tallynet.protocol.message.ShortIds;

/**
 * A block rebuilt from a COMPACTBLOCK and the transactions we hold (PROTOCOL.md 12.1): the prefilled
 * ones at their positions, the others found by short id. A position two of our transactions claim
 * is left empty, to be asked for: neither may be the block's. Pure: what to do next is the caller's.
 */
final class BlockReconstruction {
    private final CompactBlockMessage compact;
    private final Transaction[] transactions;
    private final List<Integer> missing = new ArrayList<>();

    private BlockReconstruction(CompactBlockMessage compact, Transaction[] transactions) {
        this.compact = compact;
        this.transactions = transactions;
        for (int i = 0; i < transactions.length; i++) {
            if (transactions[i] == null) {
                missing.add(i);
            }
        }
    }

    /** Thrown when two short ids of one COMPACTBLOCK are equal: the positions they fill cannot be told apart. */
    static final class CollisionException extends Exception {
        CollisionException(String detail) {
            super(detail, null, false, false);
        }
    }

    /** Fills what {@code held} (the mempool) has; costs one SipHash per held transaction. */
    static BlockReconstruction of(CompactBlockMessage compact, Iterable<Transaction> held) throws CollisionException {
        int total = compact.transactionCount();
        Transaction[] transactions = new Transaction[total];
        boolean[] prefilled = new boolean[total];
        for (PrefilledTransaction entry : compact.prefilled()) {
            transactions[entry.index()] = entry.transaction();
            prefilled[entry.index()] = true;
        }
        Map<Long, Integer> positionOf = new HashMap<>(compact.shortIds().size() * 2);
        int position = 0;
        for (String shortId : compact.shortIds()) {
            while (prefilled[position]) {
                position++;
            }
            if (positionOf.put(ShortIds.fromHex(shortId), position) != null) {
                throw new CollisionException("short id " + shortId + " is given twice");
            }
            position++;
        }
        if (!positionOf.isEmpty()) {
            ShortIds ids = new ShortIds(compact.hash(), compact.salt());
            boolean[] claimedTwice = new boolean[total];
            for (Transaction tx : held) {
                Integer at = positionOf.get(ids.of(tx.id()));
                if (at == null || claimedTwice[at]) {
                    continue;
                }
                if (transactions[at] != null) {
                    transactions[at] = null; // two of ours share the short id: ask for the block's own
                    claimedTwice[at] = true;
                } else {
                    transactions[at] = tx;
                }
            }
        }
        return new BlockReconstruction(compact, transactions);
    }

    CompactBlockMessage compact() {
        return compact;
    }

    /** Positions still empty, rising: what GETBLOCKTXN asks for. */
    List<Integer> missing() {
        return missing;
    }

    /** Fills the missing positions with a BLOCKTXN's transactions, in order; the caller checked the count. */
    void fill(List<Transaction> answered) {
        for (int i = 0; i < missing.size(); i++) {
            transactions[missing.get(i)] = answered.get(i);
        }
        missing.clear();
    }

    /**
     * The block, once nothing is missing. Its merkle root is not checked here but once, by the block rules the
     * node runs on it (5.4): on the devnet's relaying nodes (C1, without the JIT's SHA-256 intrinsic) a root over
     * 1,000 transactions is milliseconds of every hop. A block whose root does not match was rebuilt with the wrong
     * transactions (one of ours shared a short id with one of the block's, or the peer sent others), which
     * {@link BlockSync#onRebuilt} tells apart from an invalid block.
     */
    Block block() {
        if (!missing.isEmpty()) {
            throw new IllegalStateException("positions " + missing + " are still empty");
        }
        return compact.toBlock(List.of(transactions));
    }
}
