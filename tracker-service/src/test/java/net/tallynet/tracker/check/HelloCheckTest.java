package net.tallynet.tracker.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import net.tallynet.p2p.LocalPeer;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.message.HelloMessage;
import net.tallynet.protocol.message.HeyMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every way a check ends, against a scripted member on loopback: a socket that speaks the server side
 * of RFC 6455 frame by frame, so fragments, pings, closes and silence come exactly when a test says.
 */
class HelloCheckTest {
    private static final FrameCodec CODEC = new FrameCodec();
    private static final String NETWORK = Genesis.networkId("devnet");

    private final HelloCheck check = new HelloCheck(new Local(), CODEC, new ChecksProperties(Duration.ofSeconds(30),
            Duration.ofMillis(1500), 3, 16, 0.1, Duration.ofSeconds(1), true));
    private ServerSocket server;

    @AfterEach
    void stop() throws IOException {
        check.close();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void heyThenHelloPassesWithTheHeightEvenInFragmentsAndAfterAPing() throws Exception {
        int port = member(member -> {
            member.frame(0x9, new byte[0]); // a keep-alive ping first
            member.text(CODEC.encode(new HeyMessage("a1a1a1a1a1a1a1a1")));
            byte[] hello = CODEC.encode(hello(42)).getBytes(StandardCharsets.UTF_8);
            member.frame(0x01, java.util.Arrays.copyOfRange(hello, 0, 10), false); // text, not final
            member.frame(0x00, java.util.Arrays.copyOfRange(hello, 10, hello.length), true); // continuation, final
            member.awaitClose();
        });
        assertThat(check.check("127.0.0.1", port).join()).isEqualTo(new HelloCheck.Result(CheckOutcome.OK, 42L));
    }

    @Test
    void heyAloneStillPassesWithoutAHeight() throws Exception {
        int port = member(member -> {
            member.text(CODEC.encode(new HeyMessage("a1a1a1a1a1a1a1a1")));
            member.awaitClose();
        });
        assertThat(check.check("127.0.0.1", port).join()).isEqualTo(new HelloCheck.Result(CheckOutcome.OK, null));
    }

    @Test
    void aCloseBeforeHeyIsABadAnswerAndAfterHeyPasses() throws Exception {
        int before = member(member -> member.frame(0x8, new byte[] {0x03, (byte) 0xe8}));
        assertThat(check.check("127.0.0.1", before).join().outcome()).isEqualTo(CheckOutcome.BAD_ANSWER);
        server.close();
        int after = member(member -> {
            member.text(CODEC.encode(new HeyMessage("a1a1a1a1a1a1a1a1")));
            member.frame(0x8, new byte[] {0x03, (byte) 0xe8});
        });
        assertThat(check.check("127.0.0.1", after).join().outcome()).isEqualTo(CheckOutcome.OK);
    }

    @Test
    void somethingElseThanHeyIsABadAnswer() throws Exception {
        int port = member(member -> {
            member.text("not json");
            member.awaitClose();
        });
        assertThat(check.check("127.0.0.1", port).join().outcome()).isEqualTo(CheckOutcome.BAD_ANSWER);
    }

    @Test
    void silenceAfterTheUpgradeIsATimeout() throws Exception {
        int port = member(ScriptedMember::awaitClose);
        long start = System.nanoTime();
        assertThat(check.check("127.0.0.1", port).join().outcome()).isEqualTo(CheckOutcome.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aMemberTricklingPingsOrHeaderBytesIsCutOffAtTheTimeout() throws Exception {
        // each ping (or byte) arrives well within a socket timeout: only the check's own deadline ends it
        int pinging = member(member -> {
            while (true) {
                member.frame(0x9, new byte[0]);
                sleep(200);
            }
        });
        long start = System.nanoTime();
        assertThat(check.check("127.0.0.1", pinging).join().outcome()).isEqualTo(CheckOutcome.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        server.close();

        int trickling = listening(member -> {
            member.request();
            for (byte b : "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n".repeat(20)
                    .getBytes(StandardCharsets.ISO_8859_1)) {
                member.raw(new byte[] {b});
                sleep(200);
            }
        });
        start = System.nanoTime();
        assertThat(check.check("127.0.0.1", trickling).join().outcome()).isEqualTo(CheckOutcome.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void aMessageOverTheFrameLimitOrHeadersOverTheirLimitAreRefusedUnread() throws Exception {
        // a frame that claims 2^40 bytes: refused on its length, nothing allocated or read for it
        int huge = member(member -> {
            member.raw(new byte[] {(byte) 0x81, 127, 0, 0, 1, 0, 0, 0, 0, 0});
            member.awaitClose();
        });
        assertThat(check.check("127.0.0.1", huge).join().outcome()).isEqualTo(CheckOutcome.BAD_ANSWER);
        server.close();
        // a HEY split into fragments that together pass the frame limit
        int fragments = member(member -> {
            byte[] part = new byte[60_000];
            java.util.Arrays.fill(part, (byte) ' ');
            member.frame(0x1, part, false);
            for (int i = 0; i < CODEC.limits().maxFrameBytes() / part.length + 1; i++) {
                member.frame(0x0, part, false);
            }
            member.awaitClose();
        });
        assertThat(check.check("127.0.0.1", fragments).join().outcome()).isEqualTo(CheckOutcome.BAD_ANSWER);
        server.close();

        // an upgrade answer whose headers never end within 8 KiB
        int padded = listening(member -> {
            member.request();
            member.raw(("HTTP/1.1 101 Switching Protocols\r\n" + "X-Padding: x\r\n".repeat(2000))
                    .getBytes(StandardCharsets.ISO_8859_1));
            member.awaitClose();
        });
        assertThat(check.check("127.0.0.1", padded).join().outcome()).isEqualTo(CheckOutcome.UNREACHABLE);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void noWebSocketOrNothingListeningIsUnreachable() throws Exception {
        int plainHttp = listening(member -> {
            member.request();
            member.raw("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        });
        assertThat(check.check("127.0.0.1", plainHttp).join().outcome()).isEqualTo(CheckOutcome.UNREACHABLE);
        server.close();
        assertThat(check.check("127.0.0.1", plainHttp).join().outcome()).isEqualTo(CheckOutcome.UNREACHABLE);
    }

    /**
     * RFC 6455 4.1: a 101 answer is a WebSocket only with {@code Upgrade: websocket} and {@code Connection:
     * Upgrade} (case-insensitive, Connection a list of tokens on one line or several) beside the accept key;
     * without either it is not a member's endpoint.
     */
    @Test
    void aSwitchWithoutTheUpgradeHeadersIsUnreachable() throws Exception {
        for (String headers : List.of("Connection: Upgrade\r\n", "Upgrade: h2c\r\nConnection: Upgrade\r\n",
                "Upgrade: websocket\r\n", "Upgrade: websocket\r\nConnection: keep-alive\r\n")) {
            int port = listening(member -> {
                member.upgrade(headers);
                member.awaitClose();
            });
            assertThat(check.check("127.0.0.1", port).join().outcome()).as(headers).isEqualTo(CheckOutcome.UNREACHABLE);
            server.close();
        }
        int port = listening(member -> {
            member.upgrade("upgrade: WebSocket\r\nCONNECTION: keep-alive\r\nConnection: upgrade\r\n"); // one list on two lines
            assertThat(member.readText()).startsWith("{\"HELLO\"");
            member.text(CODEC.encode(new HeyMessage("a1a1a1a1a1a1a1a1")));
            member.awaitClose();
        });
        assertThat(check.check("127.0.0.1", port).join().outcome()).isEqualTo(CheckOutcome.OK);
    }

    private static HelloMessage hello(long blockCount) {
        return new HelloMessage(1, NETWORK, blockCount, NETWORK, System.currentTimeMillis(), 9000, "a1a1a1a1a1a1a1a1",
                "scripted/1", HelloMessage.ROLE_NODE);
    }

    /** Starts a member that upgrades one connection, reads the check's HELLO, then follows {@code script}. */
    private int member(Script script) throws IOException {
        return listening(member -> {
            member.upgrade();
            assertThat(member.readText()).startsWith("{\"HELLO\"");
            script.run(member);
        });
    }

    /** Starts a member that accepts one connection and follows {@code script} from its first byte (the check's request). */
    private int listening(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket listening = server;
        Thread.ofVirtual().start(() -> {
            try (Socket socket = listening.accept()) {
                script.run(new ScriptedMember(socket));
            } catch (IOException ignored) {
                // the check closed its end: the script is over
            }
        });
        return server.getLocalPort();
    }

    private interface Script {
        void run(ScriptedMember member) throws IOException;
    }

    /** The server side of one WebSocket connection, written frame by frame. */
    private static final class ScriptedMember {
        private final InputStream in;
        private final OutputStream out;

        ScriptedMember(Socket socket) throws IOException {
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        /** The check's HTTP request, read to its blank line. */
        String request() throws IOException {
            StringBuilder request = new StringBuilder();
            while (!request.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                request.append((char) b);
            }
            return request.toString();
        }

        void upgrade() throws IOException {
            upgrade("Upgrade: websocket\r\nConnection: Upgrade\r\n");
        }

        /** A 101 answer with the right accept key and these other headers (each line ending in CRLF). */
        void upgrade(String headers) throws IOException {
            String key = null;
            for (String line : request().split("\r\n")) {
                if (line.toLowerCase().startsWith("sec-websocket-key:")) {
                    key = line.substring(line.indexOf(':') + 1).trim();
                }
            }
            String accept = RawWebSocket.acceptKey(key);
            out.write(("HTTP/1.1 101 Switching Protocols\r\n" + headers + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** One masked client frame of under 64 KiB, unmasked. */
        String readText() throws IOException {
            in.read();
            int length = in.read() & 0x7f;
            if (length == 126) {
                length = (in.read() << 8) | in.read();
            }
            byte[] mask = in.readNBytes(4);
            byte[] payload = in.readNBytes(length);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
            return new String(payload, StandardCharsets.UTF_8);
        }

        void raw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        void text(String text) throws IOException {
            frame(0x1, text.getBytes(StandardCharsets.UTF_8));
        }

        void frame(int opcode, byte[] payload) throws IOException {
            frame(opcode, payload, true);
        }

        void frame(int opcode, byte[] payload, boolean fin) throws IOException {
            out.write((fin ? 0x80 : 0) | opcode);
            if (payload.length < 126) {
                out.write(payload.length);
            } else {
                out.write(126);
                out.write(payload.length >>> 8);
                out.write(payload.length & 0xff);
            }
            out.write(payload);
            out.flush();
        }

        /** Reads (and drops) whatever comes until the check closes its end. */
        void awaitClose() throws IOException {
            while (in.read() >= 0) {
                // the check's close frame, then end of stream
            }
        }
    }

    private static final class Local implements LocalPeer {
        @Override
        public String nodeId() {
            return "b2b2b2b2b2b2b2b2";
        }

        @Override
        public String networkId() {
            return NETWORK;
        }

        @Override
        public HelloMessage hello() {
            return new HelloMessage(1, NETWORK, 1, NETWORK, System.currentTimeMillis(), 8080, nodeId(), "tracker/1",
                    HelloMessage.ROLE_TRACKER);
        }
    }
}
