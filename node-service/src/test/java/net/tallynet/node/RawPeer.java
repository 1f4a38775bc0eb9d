package net.tallynet.node;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import net.tallynet.protocol.codec.DecodeResult;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.message.BlockMessage;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.HelloMessage;
import net.tallynet.protocol.message.HeyMessage;
import net.tallynet.protocol.message.Message;

/**
 * A WebSocket client written against RFC 6455 on a plain socket, for hostile-peer tests: it sends
 * exactly the bytes a test asks for (any size, any order), never answers pings unless told to, and
 * shows how the node closed the connection.
 */
public final class RawPeer implements AutoCloseable {
    private static final FrameCodec CODEC = new FrameCodec();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A frame from the node: opcode 1 text, 8 close, 9 ping, 10 pong. */
    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** For a close frame: the status code. */
        public int closeStatus() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        /** For a close frame: the reason text. */
        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public RawPeer(int port) throws IOException {
        this(port, "127.0.0.1");
    }

    /** Connects from {@code localHost} (any 127.x address): each hostile case gets its own, since bans are per host. */
    public RawPeer(int port, String localHost) throws IOException {
        this(port, localHost, 0);
    }

    /**
     * {@code receiveBufferBytes} (0: the system's) bounds what the kernel takes in for us while we do
     * not read: a small one makes the node's writes to a peer that stops reading block soon.
     */
    public RawPeer(int port, String localHost, int receiveBufferBytes) throws IOException {
        socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes); // before connecting, so the window is small from the start
        }
        socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName(localHost), 0));
        socket.connect(new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.1"), port));
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        out.write(("GET /p2p HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        String status;
        try {
            status = readHttpHead(in);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        if (!status.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("no WebSocket upgrade: " + status);
        }
    }

    /** Connects and completes the HELLO/HEY handshake as a node with {@code blockCount} 1 (genesis only). */
    public static RawPeer handshaken(int port, String localHost, String nodeId) throws IOException {
        return handshaken(new RawPeer(port, localHost), nodeId);
    }

    /** Completes the handshake on {@code peer}, opened by the caller (e.g. with a small receive buffer). */
    public static RawPeer handshaken(RawPeer peer, String nodeId) throws IOException {
        return handshaken(peer, nodeId, 1, Genesis.networkId("devnet"));
    }

    /**
     * Connects and completes the handshake as a node claiming {@code blockCount} blocks up to
     * {@code bestHash}: claiming more than the node has makes it ask for a list at once (GETLISTOFBLOCKS).
     */
    public static RawPeer handshaken(int port, String localHost, String nodeId, long blockCount, String bestHash)
            throws IOException {
        return handshaken(new RawPeer(port, localHost), nodeId, blockCount, bestHash);
    }

    /** Connects and completes the handshake as a node (genesis only) whose HELLO lists {@code extensions}. */
    public static RawPeer handshakenWith(int port, String localHost, String nodeId, List<String> extensions)
            throws IOException {
        return handshaken(new RawPeer(port, localHost), nodeId, 1, Genesis.networkId("devnet"), extensions);
    }

    private static RawPeer handshaken(RawPeer peer, String nodeId, long blockCount, String bestHash) throws IOException {
        return handshaken(peer, nodeId, blockCount, bestHash, null);
    }

    private static RawPeer handshaken(RawPeer peer, String nodeId, long blockCount, String bestHash,
                                      List<String> extensions) throws IOException {
        String network = Genesis.networkId("devnet");
        try {
            peer.send(new HelloMessage(1, network, blockCount, bestHash, System.currentTimeMillis(), 0, nodeId,
                    "raw-peer/1", "node", extensions));
            peer.expect(HeyMessage.class);
            peer.expect(HelloMessage.class);
            peer.send(new HeyMessage(nodeId));
            return peer;
        } catch (IOException e) {
            peer.close(); // a failed handshake must not leave the socket open (flood tests make thousands)
            throw e;
        }
    }

    public void send(Message message) throws IOException {
        sendText(CODEC.encode(message));
    }

    public void sendText(String text) throws IOException {
        sendFrame(1, text.getBytes(StandardCharsets.UTF_8));
    }

    public void sendFrame(int opcode, byte[] payload) throws IOException {
        sendFragment(opcode, payload, true);
    }

    /** One WebSocket frame; {@code fin} false starts (or continues, opcode 0) a message that more frames finish. */
    public void sendFragment(int opcode, byte[] payload, boolean fin) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.write(mask);
        byte[] masked = payload.clone();
        for (int i = 0; i < masked.length; i++) {
            masked[i] ^= mask[i & 3];
        }
        frame.write(masked);
        out.write(frame.toByteArray());
        out.flush();
    }

    /** The next frame of any kind within {@code wait}; null on timeout; a close frame when the node closed. */
    public Frame next(Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        try {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            return new Frame(first & 0x0f, payload);
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            return new Frame(8, new byte[0]); // the connection is gone without a close frame
        }
    }

    /** The next protocol message (skipping pings), within 10 s. */
    public Message nextMessage() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Frame frame = next(Duration.ofSeconds(10));
            if (frame == null || frame.opcode() == 8) {
                throw new IOException("no message: " + (frame == null ? "timeout" : "closed " + frame.closeReason()));
            }
            if (frame.opcode() == 1) {
                return decode(frame);
            }
        }
        throw new IOException("no message within 10 s");
    }

    /** The next message of a kind within {@code wait}, skipping others; null if none came or the node closed. */
    public <T extends Message> T next(Class<T> type, Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            Frame frame = next(Duration.ofMillis(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            if (frame != null && frame.opcode() == 8) {
                return null;
            }
            if (frame != null && frame.opcode() == 1 && type.isInstance(decode(frame))) {
                return type.cast(decode(frame));
            }
        }
        return null;
    }

    /**
     * Frames of one connection are handled in order: once this GETBLOCK of genesis is answered, everything
     * sent before it was handled.
     */
    public void roundTrip() throws IOException {
        send(GetBlockMessage.byNumber(0));
        if (next(BlockMessage.class, Duration.ofSeconds(30)) == null) {
            throw new IOException("GETBLOCK of genesis unanswered within 30 s");
        }
    }

    /** The message in a text frame from the node (which sends only well-formed frames). */
    public static Message decode(Frame frame) {
        return ((DecodeResult.Decoded) CODEC.decode(frame.text())).message();
    }

    public <T extends Message> T expect(Class<T> type) throws IOException {
        Message message = nextMessage();
        if (!type.isInstance(message)) {
            throw new IOException("expected " + type.getSimpleName() + ", got " + message);
        }
        return type.cast(message);
    }

    /** Reads (and drops) frames until the node closes; returns the close frame, or null if none came in time. */
    public Frame awaitClose(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            Frame frame = next(Duration.ofMillis(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            if (frame != null && frame.opcode() == 8) {
                return frame;
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Reads an HTTP head up to the blank line (the upgrade request or answer). */
    public static String readHttpHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the upgrade");
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
