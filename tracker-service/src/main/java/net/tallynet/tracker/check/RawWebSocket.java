package net.tallynet.tracker.check;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of RFC 6455, as little of it as a check needs, on a blocking socket: the upgrade,
 * masked text frames out, whole text and close frames in (fragments joined, pings skipped, a size
 * limit). A check is a connection of a few frames; on a virtual thread this costs a fraction of what
 * the JDK's WebSocket client spends on its HTTP exchange machinery, which bounded the checks a tracker
 * could make (issue 19: 1.4 ms of CPU per check). Timeouts are the socket's ({@link Socket#setSoTimeout}).
 */
public final class RawWebSocket {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_HEADER_BYTES = 8192;
    /**
     * What is read from the socket at once. A check's answer (the upgrade's headers, HEY, HELLO) is a few hundred
     * bytes; larger payloads are read straight into their arrays. The JDK's 8 KiB default, at 3,333 checks a second
     * (100,000 members every 30 s), was a tenth of the tracker's allocation (issue 19, an allocation profile).
     */
    private static final int READ_BUFFER_BYTES = 1024;
    public static final int TEXT = 0x1;
    public static final int CLOSE = 0x8;

    /** A data or close frame received: its opcode and payload (a close frame's is its status and reason). */
    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** A close frame's status, or -1. */
        public int closeStatus() {
            return opcode == CLOSE && payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
        }

        @Override
        public String toString() {
            return opcode == CLOSE ? "close " + closeStatus() + (payload.length > 2
                    ? " " + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "")
                    : "opcode " + opcode + " " + text();
        }
    }

    /** The server did not switch protocols (no WebSocket there, or not the one we asked for). */
    public static final class UpgradeRefused extends IOException {
        UpgradeRefused(String status) {
            super("upgrade refused: " + status);
        }
    }

    private final OutputStream out;
    private final DataInputStream in;
    private final int maxMessageBytes;

    private RawWebSocket(Socket socket, int maxMessageBytes) throws IOException {
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), READ_BUFFER_BYTES));
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * Upgrades {@code socket} (connected) to a WebSocket at {@code path}; refused unless 101 with {@code Upgrade:
     * websocket}, {@code Connection: Upgrade} and the right accept key.
     */
    public static RawWebSocket upgrade(Socket socket, String hostHeader, String path, int maxMessageBytes)
            throws IOException {
        RawWebSocket ws = new RawWebSocket(socket, maxMessageBytes);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        ws.out.write(("GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nUpgrade: websocket\r\nConnection: Upgrade"
                + "\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        ws.out.flush();
        String[] lines = ws.readHeaders().split("\r\n");
        if (!lines[0].startsWith("HTTP/1.1 101")) {
            throw new UpgradeRefused(lines[0]);
        }
        // RFC 6455 4.1: a client fails the connection unless all three say it is the WebSocket it asked for
        if (!header(lines, "Upgrade").equalsIgnoreCase("websocket")) {
            throw new UpgradeRefused(lines[0] + " without Upgrade: websocket");
        }
        if (Arrays.stream(header(lines, "Connection").split(",")).noneMatch(token -> token.trim().equalsIgnoreCase("Upgrade"))) {
            throw new UpgradeRefused(lines[0] + " without Connection: Upgrade");
        }
        if (!header(lines, "Sec-WebSocket-Accept").equals(acceptKey(key))) {
            throw new UpgradeRefused(lines[0] + " without the accept key");
        }
        return ws;
    }

    /**
     * The values of the header lines named {@code name} (case-insensitive), trimmed and joined by commas as one
     * list (RFC 9110 5.3: a field sent on several lines is one list); empty if none.
     */
    private static String header(String[] lines, String name) {
        StringJoiner values = new StringJoiner(",");
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.length() > name.length() && line.charAt(name.length()) == ':'
                    && line.regionMatches(true, 0, name, 0, name.length())) {
                values.add(line.substring(name.length() + 1).trim());
            }
        }
        return values.toString();
    }

    public void sendText(String text) throws IOException {
        send(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A close frame (best effort: the caller closes the socket after it either way). */
    public void sendClose(int status, String reason) throws IOException {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (status >>> 8);
        payload[1] = (byte) status;
        System.arraycopy(text, 0, payload, 2, text.length);
        send(CLOSE, payload);
    }

    /**
     * The next text message (its fragments joined) or close frame; pings and pongs are skipped. A message
     * longer than the limit, or a frame no server may send (masked, binary), is an {@link IOException}.
     */
    public Frame read() throws IOException {
        byte[] message = null;
        while (true) {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            boolean fin = (first & 0x80) != 0;
            int opcode = first & 0x0f;
            if ((second & 0x80) != 0) {
                throw new IOException("masked frame from a server");
            }
            if ((first & 0x70) != 0) {
                throw new IOException("reserved bits set: no extension was agreed");
            }
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            boolean control = (opcode & 0x8) != 0;
            if (control && (length > 125 || !fin)) {
                throw new IOException("control frame of " + length + " bytes or in fragments");
            }
            // compared without adding, so that no length (up to 2^63 - 1) can overflow the sum
            long room = control ? 125 : maxMessageBytes - (message == null ? 0 : message.length);
            if (length < 0 || length > room) {
                throw new IOException("message over " + maxMessageBytes + " bytes");
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            if (opcode == 0x9 || opcode == 0xA) {
                continue; // keep-alive, not part of any message
            }
            if (opcode == CLOSE) {
                return new Frame(CLOSE, payload);
            }
            if (opcode == TEXT && message == null) {
                message = payload;
            } else if (opcode == 0x0 && message != null) {
                byte[] joined = Arrays.copyOf(message, message.length + payload.length);
                System.arraycopy(payload, 0, joined, message.length, payload.length);
                message = joined;
            } else {
                throw new IOException("unexpected frame, opcode " + opcode);
            }
            if (fin) {
                return new Frame(TEXT, message);
            }
        }
    }

    private void send(int opcode, byte[] payload) throws IOException {
        int header = payload.length < 126 ? 2 : payload.length < 65_536 ? 4 : 10;
        byte[] frame = new byte[header + 4 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        if (header == 2) {
            frame[1] = (byte) (0x80 | payload.length);
        } else if (header == 4) {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (payload.length >>> 8);
            frame[3] = (byte) payload.length;
        } else {
            frame[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) payload.length >>> (56 - 8 * i));
            }
        }
        // client frames are masked (RFC 6455 5.3): the key need not be secret here, only present
        int mask = ThreadLocalRandom.current().nextInt();
        for (int i = 0; i < 4; i++) {
            frame[header + i] = (byte) (mask >>> (24 - 8 * i));
        }
        for (int i = 0; i < payload.length; i++) {
            frame[header + 4 + i] = (byte) (payload[i] ^ frame[header + i % 4]);
        }
        out.write(frame);
        out.flush();
    }

    private String readHeaders() throws IOException {
        StringBuilder headers = new StringBuilder();
        while (!(headers.length() >= 4 && headers.charAt(headers.length() - 1) == '\n'
                && headers.lastIndexOf("\r\n\r\n") == headers.length() - 4)) {
            if (headers.length() >= MAX_HEADER_BYTES) {
                throw new UpgradeRefused("response headers over " + MAX_HEADER_BYTES + " bytes");
            }
            int b = in.read();
            if (b < 0) {
                throw new UpgradeRefused(headers.isEmpty() ? "connection closed" : headers.toString().lines().findFirst().orElse(""));
            }
            headers.append((char) b);
        }
        return headers.toString();
    }

    /** The {@code Sec-WebSocket-Accept} a server answers to {@code key} (RFC 6455 4.2.2). */
    public static String acceptKey(String key) {
        return Base64.getEncoder().encodeToString(sha1((key + GUID).getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
