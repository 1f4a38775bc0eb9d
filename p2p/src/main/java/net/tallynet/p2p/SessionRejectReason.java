package net.tallynet.p2p;

import java.util.Locale;

/**
 * Why the session refused a well-formed frame (PROTOCOL.md 6): handled like a decoding rejection,
 * counted under the label, logged and charged. The label is the metrics tag and the log word.
 */
public enum SessionRejectReason {
    /** An established peer sent a method this service does not serve. */
    UNSUPPORTED_METHOD,
    /** A second HELLO before the handshake completed. */
    DUPLICATE_HELLO,
    /** A later HELLO changed the node id or network. */
    HELLO_CHANGED,
    /** More frame bytes than the connection's byte budget ({@code tallynet.peers.bytes-per-second}) allows. */
    BYTE_RATE_LIMITED;

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }
}
