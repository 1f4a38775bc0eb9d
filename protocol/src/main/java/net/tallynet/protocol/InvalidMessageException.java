package net.tallynet.protocol;

/** A payload value that breaks a protocol rule; thrown by the records' compact constructors. */
public final class InvalidMessageException extends IllegalArgumentException {
    private final RejectReason reason;

    public InvalidMessageException(RejectReason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
