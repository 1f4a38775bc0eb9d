package net.tallynet.p2p;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.codec.DecodeResult;
import net.tallynet.protocol.message.Message;
import net.tallynet.protocol.message.Method;

/** A PeerConnection that hands frames to another session in memory, or just records them. */
final class InMemoryConnection implements PeerConnection {
    private static final FrameCodec CODEC = new FrameCodec();

    final List<Message> sent = new ArrayList<>();
    private final Direction direction;
    private final InetSocketAddress remote;
    PeerSession other;
    CloseReason closedWith;
    String closeDetail;
    /** Thrown by the next close, as a transport whose session had just ended threw once. */
    RuntimeException failOnClose;

    InMemoryConnection(Direction direction, String remoteHost) {
        this.direction = direction;
        this.remote = new InetSocketAddress(remoteHost, 40000);
    }

    @Override
    public String id() {
        return "mem-" + direction.label();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public boolean send(Message message) {
        sent.add(message);
        String frame = CODEC.encode(message);
        if (other != null) {
            other.onFrame(frame);
        }
        return true;
    }

    @Override
    public boolean sendEncoded(Method method, byte[] frame) {
        if (CODEC.decode(frame) instanceof DecodeResult.Decoded(Message message) && message.method() == method) {
            return send(message);
        }
        throw new IllegalArgumentException("not an encoded " + method + " frame");
    }

    @Override
    public void close(CloseReason reason, String detail) {
        if (failOnClose != null) {
            RuntimeException failure = failOnClose;
            failOnClose = null;
            throw failure;
        }
        if (closedWith == null) {
            closedWith = reason;
            closeDetail = detail;
        }
    }

    @Override
    public boolean isOpen() {
        return closedWith == null;
    }
}
