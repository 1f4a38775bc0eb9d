package net.tallynet.p2p;

/** Thrown by a handler for a well-formed message that no honest peer sends; {@code reason} is a metrics label. */
public final class PeerMisbehaviourException extends RuntimeException {
    private final String reason;

    public PeerMisbehaviourException(String reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
