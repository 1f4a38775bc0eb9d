package net.tallynet.protocol.ledger;

/** Mempool admission: the rules an ordinary transaction must meet to be mined in the next block. */
public final class TransactionValidator {
    private final ChainParams params;
    private final SignatureChecker signatures;

    public TransactionValidator(ChainParams params, String networkId) {
        this(params, SignatureChecker.sequential(networkId));
    }

    /** With {@code signatures} shared with the {@link BlockValidator}: a block does not verify again what was admitted here. */
    public TransactionValidator(ChainParams params, SignatureChecker signatures) {
        this.params = params;
        this.signatures = signatures;
    }

    /**
     * Checks {@code tx} against {@code view} as if in block {@code height}; returns its fee.
     * A coinbase is refused: only a block may carry one.
     */
    public long check(Transaction tx, UtxoView view, long height) throws InvalidLedgerObjectException {
        long fee = checkWithoutSignatures(tx, view, height);
        verifySignatures(tx);
        return fee;
    }

    /**
     * Every rule but the signatures (lookups, maturity, keys, amounts); returns the fee. What a caller
     * runs first, against the state, before it decides to spend {@link #verifySignatures} on the
     * transaction (one Ed25519 verification per input).
     */
    public long checkWithoutSignatures(Transaction tx, UtxoView view, long height) throws InvalidLedgerObjectException {
        if (tx.isCoinbase()) {
            throw new InvalidLedgerObjectException(ValidationReason.MISPLACED_COINBASE, "a coinbase outside a block");
        }
        SpendRules.checkStateless(tx);
        return SpendRules.applyWithoutSignatures(tx, new BlockUtxoView(view), height, params);
    }

    /**
     * Verifies every input's signature. Depends on nothing but the transaction (and the network id),
     * so it can run outside any lock, and a result once true stays true.
     */
    public void verifySignatures(Transaction tx) throws InvalidLedgerObjectException {
        signatures.verify(tx);
    }
}
