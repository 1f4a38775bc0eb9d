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
     * For the handler of the frame being handled: its answers continue in parts from another thread, each part
     * at most one frame limit and sent after {@link #awaitRoomForAnswer}. The peer's next frame is not handled
     * until the returned release has run, so those parts are the only answers being produced for the peer and
     * come before the answers to its later requests. The release must run exactly once, when the last part is
     * queued or given up; the transport closes the peer as a slow reader if that takes twice its send time
     * limit. A transport that handles frames some other way may return a release that does nothing.
     */
    default Runnable answerInParts() {
        return () -> {
        };
    }

    /**
     * For a thread sending the parts of {@link #answerInParts}: waits while the queue to the peer is too full to
     * take one answer of the largest frame size. False if the peer read nothing for twice the send time limit
     * (it is then closed as a slow reader), if it is closed, or if the wait was interrupted. A transport
     * without a bounded queue always has room.
     */
    default boolean awaitRoomForAnswer() {
        return isOpen();
    }

    /** The round trip of the latest answered keep-alive ping, in nanoseconds; -1 before the first. */
    default long pingNanos() {
        return -1;
    }
}
