package net.tallynet.p2p;

import java.util.Locale;

/**
 * Why a connection ends. The label is the WebSocket close reason, the log word and the metrics
 * tag; the status is 1008 (policy violation) for everything the peer did wrong, 1000 otherwise.
 */
public enum CloseReason {
    HANDSHAKE_REQUIRED(1008),
    SELF_CONNECTION(1008),
    WRONG_NETWORK(1008),
    DUPLICATE_CONNECTION(1008),
    UNSUPPORTED_VERSION(1008),
    HANDSHAKE_TIMEOUT(1008),
    BINARY_FRAME(1008),
    /** Misbehaviour points past the threshold; the close reason text names the last rejection. */
    MISBEHAVIOUR(1008),
    RATE_LIMITED(1008),
    BANNED(1008),
    TOO_MANY_PEERS(1008),
    /** Every inbound slot was taken and a newcomer arrived: this peer was the least useful (InboundEviction). */
    EVICTED(1000),
    /** Our send buffer to the peer overflowed: a slow reader is dropped, not buffered for ever. */
    SLOW_READER(1008),
    /** Nothing, not even a pong, arrived within {@code tallynet.peers.ping-timeout}: the peer is dead. */
    UNRESPONSIVE(1008),
    /** The peer left several of our requests unanswered in a row (a node's block fetches). */
    STALLED(1008),
    /**
     * The peer's HELLO claims another role than the one we dialled: a "tracker" is accepted only on a
     * connection opened to a configured tracker, so no address from gossip can pose as one.
     */
    UNEXPECTED_ROLE(1008),
    /** A frame arriving in parts was not complete within {@code tallynet.peers.frame-time-limit}. */
    SLOW_FRAME(1008),
    /**
     * The frames all peers were sending in parts held {@code tallynet.peers.max-assembling-bytes} for longer than
     * this peer's frame time limit: it could not be read further.
     */
    MEMORY_BUDGET(1008),
    /** A text frame passed the frame limit while it arrived: refused before it was all read (RFC 6455 1009). */
    FRAME_TOO_LARGE(1009),
    /** An orderly end: a finished check, shutdown, a peer we no longer need. */
    NORMAL(1000);

    private final int status;
    private final String label = name().toLowerCase(Locale.ROOT);

    CloseReason(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    public String label() {
        return label;
    }

    /**
     * An orderly close (status 1000), not the peer's fault: the closer still reads the peer's close frame, which
     * ends the connection at once (PROTOCOL.md 6). After any other close, nothing more is read from the peer.
     */
    public boolean orderly() {
        return status == 1000;
    }

    /** Close reason text for misbehaviour: {@code misbehaviour:<last rejection>}, well under the 123-byte limit. */
    public static String misbehaviourText(String lastRejection) {
        return MISBEHAVIOUR.label + ":" + lastRejection;
    }
}
