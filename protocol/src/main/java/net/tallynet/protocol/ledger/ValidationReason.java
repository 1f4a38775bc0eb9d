package net.tallynet.protocol.ledger;

import java.util.Locale;

/** Why a block or transaction is invalid; the label goes to logs and the validation-failures metric. */
public enum ValidationReason {
    BAD_BLOCK_HASH,
    BAD_PROOF_OF_WORK,
    WRONG_TARGET,
    BAD_MERKLE_ROOT,
    TIME_TOO_FAR_IN_FUTURE,
    TIME_NOT_AFTER_MEDIAN,
    WRONG_PREVIOUS,
    WRONG_NUMBER,
    OVERSIZED_BLOCK,
    MISSING_COINBASE,
    MISPLACED_COINBASE,
    BAD_COINBASE_INDEX,
    WRONG_COINBASE_AMOUNT,
    DUPLICATE_TRANSACTION,
    BAD_TRANSACTION_ID,
    UNKNOWN_INPUT,
    IMMATURE_COINBASE,
    DOUBLE_SPEND,
    KEY_ADDRESS_MISMATCH,
    BAD_SIGNATURE,
    OUTPUTS_EXCEED_INPUTS,
    AMOUNT_OVERFLOW,
    /** Policy, not validity: a transaction paying under the minimum relay fee rate is not pooled (blocks may carry it). */
    FEE_TOO_LOW,
    /** The block was found invalid before (after its hash was checked): refused without validating it again. */
    KNOWN_INVALID,
    /** The block's parent was found invalid, so it can never be valid. */
    INVALID_PARENT;

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }
}
