package net.tallynet.node.chain;

import java.util.Map;
import net.tallynet.protocol.codec.TransactionEncodings;
import net.tallynet.protocol.ledger.Transaction;

/**
 * What the mempool worked out when it admitted the transactions a block carries, for the very instances it holds
 * (a block rebuilt from the pool by compact relay is made of them): their sizes, position by position (-1 where
 * not pooled), for which {@code BlockValidator.checkStateless} and {@code connectChecked} check neither ids, sizes,
 * keys nor signatures again (so one must be made by {@code Mempool.admitted} alone: nothing else may vouch for a
 * transaction with a size), and their encodings as frames carry them, which the block's frame copies ({@link
 * ChainStore#encode(net.tallynet.protocol.ledger.Block, TransactionEncodings)}). An equal copy of a pooled
 * transaction is not one of them: only the instance checked is known to be the one its id names.
 */
public record Admitted(int[] checkedSizes, Map<Transaction, byte[]> encodings) implements TransactionEncodings {
    /** Nothing admitted: every transaction is checked and written. */
    public static final Admitted NONE = new Admitted(null, Map.of());

    @Override
    public byte[] of(Transaction tx) {
        return encodings.get(tx);
    }
}
