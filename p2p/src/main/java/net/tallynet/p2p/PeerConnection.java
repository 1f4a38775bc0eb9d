package net.tallynet.p2p;

import java.net.InetSocketAddress;
import net.tallynet.protocol.message.Message;

/**
 * The seam between protocol logic and the transport: a {@link PeerSession} only ever talks to
 * this, so tests drive sessions in memory and the WebSocket details stay in one adapter.
 */
public interface PeerConnection {

    /** A short id for logs, unique per process. */
    String id();

    InetSocketAddress remoteAddress();

    Direction direction();

    /**
     * Sends one message; never blocks for long (a slow peer is closed by the transport instead).
     * Returns the frame's size in bytes, or 0 if nothing was sent.
     */
    int send(Message message);

    /** Closes with the reason's status; {@code detail} (may be null) becomes the close reason text. */
    void close(CloseReason reason, String detail);

    boolean isOpen();
}
