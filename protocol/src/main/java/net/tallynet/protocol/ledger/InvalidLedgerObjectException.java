package net.tallynet.protocol.ledger;

/** A block or transaction broke a ledger rule; {@link #reason()} says which. */
public final class InvalidLedgerObjectException extends Exception {
    private final ValidationReason reason;

    public InvalidLedgerObjectException(ValidationReason reason, String detail) {
        super(reason.label() + ": " + detail);
        this.reason = reason;
    }

    public ValidationReason reason() {
        return reason;
    }
}
