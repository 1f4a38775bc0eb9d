package net.tallynet.p2p.websocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import net.tallynet.p2p.CloseReason;
import net.tallynet.p2p.Direction;
import net.tallynet.p2p.P2pProperties;
import net.tallynet.p2p.PeerConnection;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.SessionLimitExceededException;

/** A {@link PeerConnection} over a Spring WebSocket session. */
final class WebSocketPeerConnection implements PeerConnection {
    private static final Logger log = LoggerFactory.getLogger(WebSocketPeerConnection.class);
    private static final AtomicLong IDS = new AtomicLong();
    /** RFC 6455 allows 123 bytes of close reason. */
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    private final String id = "c" + IDS.incrementAndGet();
    private final WebSocketSession session;
    private final InetSocketAddress remoteAddress;
    private final Direction direction;
    private final FrameCodec codec;
    private final FrameAssembler assembler;
    /** When anything (a frame or a pong) last arrived, for the keep-alive. */
    private volatile long lastHeardNanos = System.nanoTime();

    WebSocketPeerConnection(WebSocketSession raw, Direction direction, FrameCodec codec, P2pProperties properties) {
        // sends from several threads are serialised; a peer that stops reading overflows the buffer and is dropped
        this.session = new ConcurrentWebSocketSessionDecorator(raw, (int) properties.sendTimeLimit().toMillis(),
                properties.sendBufferBytes(), ConcurrentWebSocketSessionDecorator.OverflowStrategy.TERMINATE);
        this.remoteAddress = raw.getRemoteAddress();
        this.direction = direction;
        this.codec = codec;
        this.assembler = new FrameAssembler(codec.limits().maxFrameBytes());
    }

    /** A part of a text frame from the container; the whole frame once the last part is in, else null. */
    String assemble(String part, boolean last) throws FrameAssembler.FrameTooLargeException {
        return assembler.add(part, last);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public int send(Message message) {
        try {
            byte[] frame = codec.encodeToBytes(message);
            session.sendMessage(new TextMessage(frame));
            return frame.length;
        } catch (SessionLimitExceededException e) {
            log.info("peer {} {}: slow reader ({}), disconnecting", id, remoteAddress, e.getMessage());
            close(CloseReason.SLOW_READER, null);
        } catch (IOException | IllegalStateException e) {
            log.debug("peer {} {}: send failed: {}", id, remoteAddress, e.toString());
        }
        return 0;
    }

    @Override
    public void close(CloseReason reason, String detail) {
        String text = detail == null ? reason.label() : detail;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_CLOSE_REASON_BYTES) {
            text = new String(bytes, 0, MAX_CLOSE_REASON_BYTES, StandardCharsets.US_ASCII);
        }
        try {
            session.close(new CloseStatus(reason.status(), text));
        } catch (IOException | IllegalStateException e) {
            log.debug("peer {} {}: close failed: {}", id, remoteAddress, e.toString());
        }
    }

    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    long silentNanos() {
        return System.nanoTime() - lastHeardNanos;
    }

    void ping() {
        try {
            session.sendMessage(new PingMessage());
        } catch (IOException | IllegalStateException e) {
            log.debug("peer {} {}: ping failed: {}", id, remoteAddress, e.toString());
        }
    }

    @Override
    public boolean isOpen() {
        return session.isOpen();
    }
}
