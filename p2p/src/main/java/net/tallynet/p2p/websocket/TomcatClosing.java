package net.tallynet.p2p.websocket;

import jakarta.websocket.Session;
import java.time.Duration;
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
 * tracker closed kept its session and frame buffers for one to two seconds (issue 19).
 */
final class TomcatClosing {
    /** Tomcat's per-session wait for the peer's close frame, in milliseconds. */
    private static final String SESSION_CLOSE_TIMEOUT = "org.apache.tomcat.websocket.SESSION_CLOSE_TIMEOUT";

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
     * Reads nothing more from the peer: what it still sends stays in the kernel's buffers, and TCP
     * stops the sender. Its close frame is not read either; the close wait above then ends the socket.
     */
    static void stopReading(Session session) {
        if (session instanceof WsSession tomcat) {
            tomcat.suspend();
        }
    }
}
