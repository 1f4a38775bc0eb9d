package net.tallynet.p2p;

import java.net.InetSocketAddress;
import net.tallynet.p2p.memory.PeerMemory;
import net.tallynet.protocol.message.Message;
import net.tallynet.protocol.message.Method;

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
     * Queues one message for the peer and returns at once: callers may hold locks, so this never waits
     * for the peer and never writes or closes on the caller's thread (a peer that does not read is
     * closed by the transport, {@code slow_reader}). Frames leave in the order they were queued. False
     * if the message was not queued (the connection is closing or its queue is full).
     */
    boolean send(Message message);

    /**
     * As {@link #send}, for a frame the codec encoded earlier, such as a stored block: sent as it is,
     * not decoded and encoded again.
     */
    boolean sendEncoded(Method method, byte[] frame);

    /**
     * Closes with the reason's status once the messages queued before have gone; {@code detail} (may be
     * null) becomes the close reason text. Returns at once, like {@link #send}.
     */
    void close(CloseReason reason, String detail);

    boolean isOpen();

    /** Frame bytes written to the peer so far (for operators' views; 0 where the transport does not count). */
    default long bytesSent() {
        return 0;
    }

    /**
     * This connection's share of the peer memory budget: what the node keeps for the peer (blocks held
     * for a parent, queued headers) is taken from it. A transport without one gives an unbounded share.
     */
    default PeerMemory.Share memory() {
        return PeerMemory.UNBOUNDED.open();
    }

    /**
     * Waits while the queue to the peer is too full to take one answer of the largest frame size (as before
     * each inbound frame is handled), so a producer of answers the peer asked for earlier never overflows it.
     * False if the peer wrote nothing back for twice the send time limit (it is then closed as a slow reader)
     * or the wait was interrupted. A transport without a bounded queue always has room.
     */
    default boolean awaitRoomForAnswer() {
        return true;
    }

    /** The round trip of the latest answered keep-alive ping, in nanoseconds; -1 before the first. */
    default long pingNanos() {
        return -1;
    }
}
