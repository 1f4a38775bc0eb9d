package net.tallynet.protocol.ledger;

import static net.tallynet.protocol.ledger.ValidationReason.AMOUNT_OVERFLOW;
import static net.tallynet.protocol.ledger.ValidationReason.BAD_SIGNATURE;
import static net.tallynet.protocol.ledger.ValidationReason.BAD_TRANSACTION_ID;
import static net.tallynet.protocol.ledger.ValidationReason.DOUBLE_SPEND;
import static net.tallynet.protocol.ledger.ValidationReason.IMMATURE_COINBASE;
import static net.tallynet.protocol.ledger.ValidationReason.KEY_ADDRESS_MISMATCH;
import static net.tallynet.protocol.ledger.ValidationReason.MISPLACED_COINBASE;
import static net.tallynet.protocol.ledger.ValidationReason.OUTPUTS_EXCEED_INPUTS;

import java.util.HashSet;
import java.util.Set;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.crypto.Hashes;

/** The rules of one ordinary (non-coinbase) transaction, for blocks and for the mempool alike. */
final class SpendRules {
    private SpendRules() {
    }

    /** Checks that need only the transaction: its id, its shape, its amounts. */
    static void checkStateless(Transaction tx) throws InvalidLedgerObjectException {
        checkStateless(tx, CanonicalEncoding.transaction(tx, true));
    }

    /** As {@link #checkStateless(Transaction)}, with the transaction's full encoding already made (a block's size needs it too). */
    static void checkStateless(Transaction tx, byte[] encoded) throws InvalidLedgerObjectException {
        if (!tx.id().equals(CanonicalEncoding.transactionId(encoded))) {
            throw new InvalidLedgerObjectException(BAD_TRANSACTION_ID, "transaction " + tx.id() + " has another id");
        }
        checkStatelessWithCheckedId(tx);
    }

    /** The stateless rules but the id, for a transaction whose id was computed from its contents before. */
    static void checkStatelessWithCheckedId(Transaction tx) throws InvalidLedgerObjectException {
        Set<OutputKey> outpoints = new HashSet<>();
        for (TxInput input : tx.inputs()) {
            if (input.isCoinbase()) {
                throw new InvalidLedgerObjectException(MISPLACED_COINBASE, "coinbase input in transaction " + tx.id());
            }
            if (!outpoints.add(OutputKey.of(input))) {
                throw new InvalidLedgerObjectException(DOUBLE_SPEND, "transaction " + tx.id() + " spends "
                        + OutputKey.of(input) + " twice");
            }
        }
        sumOutputs(tx);
    }

    static long sumOutputs(Transaction tx) throws InvalidLedgerObjectException {
        long total = 0;
        for (TxOutput output : tx.outputs()) {
            total += output.amount();
            if (total > Limits.MAX_MONEY) {
                throw new InvalidLedgerObjectException(AMOUNT_OVERFLOW, "outputs of " + tx.id() + " exceed 21 million coins");
            }
        }
        return total;
    }

    /**
     * Spends the transaction's inputs from {@code view} at block height {@code height} and creates its
     * outputs; returns the fee. Stateless checks must have passed. Every rule but the signatures, for
     * every input: lookups, maturity, keys and sums ({@link #verifySignatures} is the rest). Run to the
     * end before any signature is checked, so a transaction refused for a cheap
     * reason (a valid input followed by an unknown one, review item 8) costs no signature check.
     */
    static long applyWithoutSignatures(Transaction tx, BlockUtxoView view, long height, ChainParams params)
            throws InvalidLedgerObjectException {
        return applyWithoutSignatures(tx, view, height, params, false);
    }

    /**
     * As {@link #applyWithoutSignatures(Transaction, BlockUtxoView, long, ChainParams)}; {@code keysChecked}: this
     * very instance was admitted to a mempool, which checked each input's key against the address of the output
     * it spends, so that is not done again. The answer cannot have changed: an output's address is part of the
     * transaction that created it, which its id names, so the output an input names has that address wherever it
     * is found (a block rebuilt from the pool, PROTOCOL.md 12.1, or mined from it; on a node running C1 alone a
     * tenth of such a block's connect). Every other rule is still checked against {@code view}.
     */
    static long applyWithoutSignatures(Transaction tx, BlockUtxoView view, long height, ChainParams params,
            boolean keysChecked) throws InvalidLedgerObjectException {
        long in = 0;
        for (TxInput input : tx.inputs()) {
            if (view.isSpent(input.txId(), input.index())) {
                throw new InvalidLedgerObjectException(DOUBLE_SPEND, OutputKey.of(input) + " is spent twice in this block");
            }
            Utxo utxo = view.find(input.txId(), input.index()).orElseThrow(() -> InvalidLedgerObjectException.unknownInput(input));
            if (utxo.coinbase() && height - utxo.height() < params.coinbaseMaturity()) {
                throw new InvalidLedgerObjectException(IMMATURE_COINBASE, OutputKey.of(input) + " is a coinbase output of block "
                        + utxo.height() + ", spendable from block " + (utxo.height() + params.coinbaseMaturity()));
            }
            // a SHA-256, not a signature check: cheap enough to run with the lookups
            if (!keysChecked && !Ed25519Keys.address(Hashes.fromHex(input.publicKey())).equals(utxo.address())) {
                throw new InvalidLedgerObjectException(KEY_ADDRESS_MISMATCH, "the key spending " + OutputKey.of(input)
                        + " is not the one its address belongs to");
            }
            in += utxo.amount();
            if (in > Limits.MAX_MONEY) {
                throw new InvalidLedgerObjectException(AMOUNT_OVERFLOW, "inputs of " + tx.id() + " exceed 21 million coins");
            }
            view.spend(utxo);
        }
        long out = sumOutputs(tx);
        if (out > in) {
            throw new InvalidLedgerObjectException(OUTPUTS_EXCEED_INPUTS, "transaction " + tx.id() + " pays " + out
                    + " from " + in);
        }
        createOutputs(tx, view, height, false);
        return in - out;
    }

    /** One Ed25519 verification per input: the costly rule, and one that needs no state at all. */
    static void verifySignatures(Transaction tx, String networkId) throws InvalidLedgerObjectException {
        byte[] digest = TransactionSigner.digest(networkId, tx.inputs(), tx.outputs());
        for (TxInput input : tx.inputs()) {
            if (!TransactionSigner.verify(digest, input)) {
                throw new InvalidLedgerObjectException(BAD_SIGNATURE, "bad signature spending " + OutputKey.of(input));
            }
        }
    }

    static void createOutputs(Transaction tx, BlockUtxoView view, long height, boolean coinbase) {
        Utxo.createdBy(tx, height, coinbase).forEach(view::create);
    }
}
