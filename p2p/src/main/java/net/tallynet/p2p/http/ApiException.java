package net.tallynet.p2p.http;

/** A refusal with its HTTP status and reason, thrown where a request is found wanting; answered as {@link ApiError}. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String reason;

    public ApiException(int status, String reason, String detail) {
        // refusing client input is routine: no stack trace to capture or log
        super(detail, null, false, false);
        this.status = status;
        this.reason = reason;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }
}
