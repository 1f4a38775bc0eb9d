package net.tallynet.protocol.ledger;

/** Mempool admission: the rules an ordinary transaction must meet to be mined in the next block. */
public final class TransactionValidator {
    private final ChainParams params;
    private final String networkId;

    public TransactionValidator(ChainParams params, String networkId) {
        this.params = params;
        this.networkId = networkId;
    }

    /**
     * Checks {@code tx} against {@code view} as if in block {@code height}; returns its fee.
     * A coinbase is refused: only a block may carry one.
     */
    public long check(Transaction tx, UtxoView view, long height) throws InvalidLedgerObjectException {
        if (tx.isCoinbase()) {
            throw new InvalidLedgerObjectException(ValidationReason.MISPLACED_COINBASE, "a coinbase outside a block");
        }
        SpendRules.checkStateless(tx);
        return SpendRules.apply(tx, new BlockUtxoView(view), height, networkId, params);
    }
}
