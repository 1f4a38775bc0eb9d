package net.tallynet.protocol.ledger;

import java.util.Optional;

/** A block or transaction broke a ledger rule; {@link #reason()} says which. */
public final class InvalidLedgerObjectException extends Exception {
    private final ValidationReason reason;
    /** For {@code unknown_input}: the first input found neither unspent nor created before it. */
    private final transient TxInput missingInput;

    public InvalidLedgerObjectException(ValidationReason reason, String detail) {
        this(reason, detail, null);
    }

    private InvalidLedgerObjectException(ValidationReason reason, String detail, TxInput missingInput) {
        super(reason.label() + ": " + detail);
        this.reason = reason;
        this.missingInput = missingInput;
    }

    /**
     * {@code unknown_input} for {@code input}, which a relay may then look up alone (is its parent on the way,
     * or spent on the chain?) instead of all the inputs again.
     */
    public static InvalidLedgerObjectException unknownInput(TxInput input) {
        return new InvalidLedgerObjectException(ValidationReason.UNKNOWN_INPUT, OutputKey.of(input)
                + " is not an unspent output", input);
    }

    public ValidationReason reason() {
        return reason;
    }

    /** The input an {@code unknown_input} refusal found missing; empty for every other refusal. */
    public Optional<TxInput> missingInput() {
        return Optional.ofNullable(missingInput);
    }
}
