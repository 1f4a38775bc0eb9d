package net.tallynet.p2p.websocket;

import jakarta.websocket.Session;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.tomcat.websocket.WsSession;
import org.apache.tomcat.websocket.WsWebSocketContainer;

/**
 * Bounds what a connection costs once we have decided to close it. Tomcat, after sending our close
 * frame, waits for the peer's, reading, unmasking and discarding everything else the peer sends, for
 * 30 s by default and checked only every 10 s. A flooder dropped for its rate that never answers the
 * close could so make the node read at full speed for up to 40 s: in the flood harness
 * ({@code ./tallynet bench-flood}) two thirds of the node's CPU went to unmasking such frames, and
 * REST waited seconds. So reading stops as soon as we close a peer for something it did, and the
 * socket is closed after the configured grace, checked every second. An orderly close (status 1000)
 * reads on, so the peer's close frame ends the connection at once: left unread, every registration a
 * tracker closed kept its session and frame buffers for one to two seconds (issue 19). What else the
 * peer sends then is dropped, and past {@link #AFTER_CLOSE_ALLOWANCE} stops the reading as above.
 */
final class TomcatClosing {
    /** Tomcat's per-session wait for the peer's close frame, in milliseconds. */
    private static final String SESSION_CLOSE_TIMEOUT = "org.apache.tomcat.websocket.SESSION_CLOSE_TIMEOUT";
    /** Our mark on a session whose reading we have stopped. */
    private static final String READING_STOPPED = "tallynet.reading-stopped";
    /** What a peer has sent since our orderly close, counted on the session. */
    private static final String READ_AFTER_CLOSE = "tallynet.read-after-close";
    /**
     * What a peer may still send after our orderly close before we stop reading: frames it sent before it saw
     * our close (a node's first requests crossing a feeler's close, say) are read and dropped, and its close
     * frame behind them still ends the connection at once; a peer sending on past this is not answering.
     */
    static final long AFTER_CLOSE_ALLOWANCE = 64 * 1024;

    private TomcatClosing() {
    }

    /** Called when the connection opens: after our close frame, wait at most {@code grace} for the peer's. */
    static void limitCloseWait(Session session, Duration grace) {
        session.getUserProperties().put(SESSION_CLOSE_TIMEOUT, grace.toMillis());
        // the container checks close timeouts every processPeriod runs of its once-a-second background thread
        if (session.getContainer() instanceof WsWebSocketContainer container && container.getProcessPeriod() != 1) {
            container.setProcessPeriod(1);
        }
    }

    /**
     * {@code bytes} (a frame, a part of one, a pong) read after our orderly close, and dropped: past
     * {@link #AFTER_CLOSE_ALLOWANCE} in all, nothing more is read, and the close grace ends the socket.
     */
    static void readAfterClose(Session session, long bytes) {
        try {
            AtomicLong read = (AtomicLong) session.getUserProperties().computeIfAbsent(READ_AFTER_CLOSE, k -> new AtomicLong());
            if (read.addAndGet(bytes) > AFTER_CLOSE_ALLOWANCE) {
                stopReading(session);
            }
        } catch (IllegalStateException closed) {
            // the session closed meanwhile: it reads nothing more anyway
        }
    }

    /**
     * Reads nothing more from the peer: what it still sends stays in the kernel's buffers, and TCP
     * stops the sender. Its close frame is not read either; the close wait above then ends the socket.
     */
    static void stopReading(Session session) {
        try {
            // once: the container warns of every further request to suspend
            if (session instanceof WsSession tomcat && session.getUserProperties().putIfAbsent(READING_STOPPED, true) == null) {
                tomcat.suspend();
            }
        } catch (IllegalStateException closed) {
            // a closed session refuses even its properties, and reads nothing more anyway. Thrown from a close of
            // a duplicate connection that had just ended, this once broke off the handshake that replaced it and
            // left the new one registered but never established: both nodes refused each other from then on
        }
    }
}
