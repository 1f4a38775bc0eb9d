package net.tallynet.tracker.bench;

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
import net.tallynet.protocol.message.Message;
import net.tallynet.tracker.check.RawWebSocket;

/**
 * One registration as a node makes it (handshake, GETADDR, ADDR, the tracker closes), on a blocking
 * socket bound to the member's own loopback address: the tracker records the address a registration
 * comes from, so a member at 127.a.b.1 must connect from there, which the JDK's WebSocket client cannot
 * do. Meant for virtual threads: thousands wait on sockets at the cost of a few KB each.
 */
final class RawRegistration {
    private static final FrameCodec CODEC = new FrameCodec();
    private static final String NETWORK = Genesis.networkId("devnet");
    private static final int TIMEOUT_MILLIS = 10_000;

    /** How a registration ended: ADDR received, or what the tracker did instead. */
    record Outcome(boolean registered, String refusal) {
    }

    private RawRegistration() {
    }

    static Outcome register(InetSocketAddress tracker, String fromHost, int listenPort, String nodeId) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(fromHost, 0));
            socket.connect(tracker, TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            RawWebSocket ws;
            try {
                ws = RawWebSocket.upgrade(socket, tracker.getHostString() + ":" + tracker.getPort(), "/p2p", 1 << 20);
            } catch (RawWebSocket.UpgradeRefused e) {
                return new Outcome(false, e.getMessage());
            }
            ws.sendText(CODEC.encode(new HelloMessage(1, NETWORK, 1, NETWORK, System.currentTimeMillis(), listenPort,
                    nodeId, "bench-member/1", HelloMessage.ROLE_NODE)));
            RawWebSocket.Frame hey = ws.read();
            RawWebSocket.Frame hello = ws.read();
            if (!(decode(hey) instanceof HeyMessage) || !(decode(hello) instanceof HelloMessage)) {
                return new Outcome(false, "handshake: " + hey + ", " + hello);
            }
            ws.sendText(CODEC.encode(new HeyMessage(nodeId)));
            ws.sendText(CODEC.encode(new GetAddrMessage(listenPort)));
            RawWebSocket.Frame answer = ws.read();
            return decode(answer) instanceof AddrMessage ? new Outcome(true, null) : new Outcome(false, answer.toString());
        }
    }

    private static Message decode(RawWebSocket.Frame frame) {
        return frame.opcode() == RawWebSocket.TEXT
                && CODEC.decode(frame.text()) instanceof DecodeResult.Decoded(Message message) ? message : null;
    }
}
