package net.tallynet.tracker.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tallynet.peers.close-grace=10s", "tallynet.checks.enabled=false"})
class RegistrationCloseTest extends RunningTrackerTest {
    private static final FrameCodec CODEC = new FrameCodec();
    private static final String NETWORK = Genesis.networkId("devnet");

    @Test
    void aRegistrationEndsAsSoonAsTheMemberAnswersTheClose() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(20_000);
            RawWebSocket ws = RawWebSocket.upgrade(socket, "127.0.0.1:" + port, "/p2p", 1 << 20);
            ws.sendText(CODEC.encode(new HelloMessage(1, NETWORK, 1, NETWORK, System.currentTimeMillis(), 9401,
                    "f000000000000001", "test-member/1", HelloMessage.ROLE_NODE)));
            assertThat(message(ws.read())).isInstanceOf(HeyMessage.class);
            assertThat(message(ws.read())).isInstanceOf(HelloMessage.class);
            ws.sendText(CODEC.encode(new HeyMessage("f000000000000001")));
            ws.sendText(CODEC.encode(new GetAddrMessage(9401)));
            assertThat(message(ws.read())).isInstanceOf(AddrMessage.class);
            RawWebSocket.Frame close = ws.read();
            assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
            assertThat(close.closeStatus()).isEqualTo(1000);

            ws.sendClose(1000, "");
            long answered = System.nanoTime();
            // the tracker closes the socket: the next read meets its end, long before the 10 s grace
            assertThatThrownBy(ws::read).isInstanceOf(IOException.class);
            assertThat((System.nanoTime() - answered) / 1_000_000).as("ms until the tracker closed the socket")
                    .isLessThan(5_000);
        }
    }

    private static Object message(RawWebSocket.Frame frame) {
        return frame.opcode() == RawWebSocket.TEXT
                && CODEC.decode(frame.text()) instanceof DecodeResult.Decoded(var message) ? message : frame;
    }
}
