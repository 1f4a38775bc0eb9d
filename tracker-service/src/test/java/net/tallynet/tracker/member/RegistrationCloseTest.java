package net.tallynet.tracker.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import net.tallynet.protocol.codec.DecodeResult;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.GetAddrMessage;
import net.tallynet.protocol.message.HelloMessage;
import net.tallynet.protocol.message.HeyMessage;
import net.tallynet.tracker.RunningTrackerTest;
import net.tallynet.tracker.check.RawWebSocket;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The tracker's close after a registration is orderly (1000, {@code registered}): it reads on, so the member's
 * close frame ends the connection at once, and the session with its buffers is gone, not kept for the close
 * grace (10 s here) as after a close for something the peer did. Left unread, every registration's session lived
 * one to two seconds after its close, and in a wave of registrations those sessions filled the heap (issue 19).
 * Reading on is for the close frame: frames instead are dropped, and past a small allowance stop the reading.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tallynet.peers.close-grace=10s", "tallynet.checks.enabled=false"})
class RegistrationCloseTest extends RunningTrackerTest {
    private static final FrameCodec CODEC = new FrameCodec();
    private static final String NETWORK = Genesis.networkId("devnet");

    @Test
    void aRegistrationEndsAsSoonAsTheMemberAnswersTheClose() throws Exception {
        try (Socket socket = new Socket()) {
            RawWebSocket ws = registeredAndClosed(socket, 9401, "f000000000000001");
            ws.sendClose(1000, "");
            long answered = System.nanoTime();
            // the tracker closes the socket: the next read meets its end, long before the 10 s grace
            assertThatThrownBy(ws::read).isInstanceOf(IOException.class);
            assertThat((System.nanoTime() - answered) / 1_000_000).as("ms until the tracker closed the socket")
                    .isLessThan(5_000);
        }
    }

    /**
     * A member that answers the close with frames instead of its close frame is read no further: past 64 KiB after
     * our close the reading stops, so what it sends then piles up in the kernel's buffers (a few MB) and its
     * writes stall, instead of being read, unmasked and dropped at full speed until the grace ends the socket.
     */
    @Test
    void aMemberThatAnswersTheCloseWithFramesIsReadNoFurther() throws Exception {
        try (Socket socket = new Socket()) {
            RawWebSocket ws = registeredAndClosed(socket, 9402, "f000000000000002");
            String junk = "{\"PING\":{}}".repeat(1500); // about 16 KB a frame
            AtomicLong written = new AtomicLong();
            Thread flooding = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        ws.sendText(junk);
                        written.addAndGet(junk.length());
                    }
                } catch (IOException closed) {
                    // the socket closed: by the tracker after its grace, or by the test
                }
            });
            Thread.sleep(2000);
            long after2s = written.get();
            Thread.sleep(1000);
            long after3s = written.get();
            socket.close(); // ends a write blocked on a full buffer
            flooding.join(10_000);
            // read on, the tracker would have taken hundreds of MB in 3 s, and more every second; unread, the
            // kernel's buffers hold a few MB, and once they are full the member's writes stall
            assertThat(after3s).as("bytes the member could send after the close").isLessThan(64L << 20);
            assertThat(after3s).as("bytes sent in the third second").isEqualTo(after2s);
        }
    }

    /** A member handshaken and registered on {@code socket}: its ADDR and the tracker's orderly close read. */
    private RawWebSocket registeredAndClosed(Socket socket, int listenPort, String nodeId) throws IOException {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(20_000);
        RawWebSocket ws = RawWebSocket.upgrade(socket, "127.0.0.1:" + port, "/p2p", 1 << 20);
        ws.sendText(CODEC.encode(new HelloMessage(1, NETWORK, 1, NETWORK, System.currentTimeMillis(), listenPort,
                nodeId, "test-member/1", HelloMessage.ROLE_NODE)));
        assertThat(message(ws.read())).isInstanceOf(HeyMessage.class);
        assertThat(message(ws.read())).isInstanceOf(HelloMessage.class);
        ws.sendText(CODEC.encode(new HeyMessage(nodeId)));
        ws.sendText(CODEC.encode(new GetAddrMessage(listenPort)));
        assertThat(message(ws.read())).isInstanceOf(AddrMessage.class);
        RawWebSocket.Frame close = ws.read();
        assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
        assertThat(close.closeStatus()).isEqualTo(1000);
        return ws;
    }

    private static Object message(RawWebSocket.Frame frame) {
        return frame.opcode() == RawWebSocket.TEXT
                && CODEC.decode(frame.text()) instanceof DecodeResult.Decoded(var message) ? message : frame;
    }
}
