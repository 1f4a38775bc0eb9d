package net.tallynet.tracker;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.tallynet.protocol.codec.DecodeResult;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.GetAddrMessage;
import net.tallynet.protocol.message.HelloMessage;
import net.tallynet.protocol.message.HeyMessage;
import net.tallynet.protocol.message.Message;

/** A real WebSocket client on loopback that speaks raw frames, for tests against a running tracker. */
public final class TestPeer implements AutoCloseable {
    private static final FrameCodec CODEC = new FrameCodec();
    /** One client for every peer: each JDK HttpClient has its own selector thread, and tests open thousands. */
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeStatus = new CompletableFuture<>();
    private final CompletableFuture<String> closeReason = new CompletableFuture<>();
    private final WebSocket socket;
    private final String nodeId;

    private TestPeer(int port, String nodeId) {
        this.nodeId = nodeId;
        this.socket = CLIENT.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/p2p"), new Listener()).join();
    }

    public static TestPeer connect(int trackerPort, String nodeId) {
        return new TestPeer(trackerPort, nodeId);
    }

    /** Connects and completes the handshake as a node listening on {@code listenPort}. */
    public static TestPeer handshaken(int trackerPort, String nodeId, int listenPort) {
        TestPeer peer = connect(trackerPort, nodeId);
        peer.send(new HelloMessage(1, Genesis.networkId("devnet"), 1, Genesis.networkId("devnet"),
                System.currentTimeMillis(), listenPort, nodeId, "test-peer/1", "node"));
        if (!(peer.next() instanceof HeyMessage) || !(peer.next() instanceof HelloMessage)) {
            throw new IllegalStateException("tracker did not answer HEY then HELLO");
        }
        peer.send(new HeyMessage(nodeId));
        return peer;
    }

    /** Registers a member listening on {@code listenPort} the way a node does: handshake, GETADDR, ADDR, close. */
    public static void register(int trackerPort, String nodeId, int listenPort) {
        try (TestPeer peer = handshaken(trackerPort, nodeId, listenPort)) {
            peer.send(new GetAddrMessage(listenPort));
            if (!(peer.next() instanceof AddrMessage)) {
                throw new IllegalStateException("tracker did not answer GETADDR with ADDR");
            }
        }
    }

    public void send(Message message) {
        sendRaw(CODEC.encode(message));
    }

    public void sendRaw(String frame) {
        socket.sendText(frame, true).join();
    }

    /** The next message from the tracker, within 10 s. */
    public Message next() {
        String frame = nextFrame(Duration.ofSeconds(10));
        if (frame == null) {
            throw new IllegalStateException("no frame within 10 s");
        }
        return ((DecodeResult.Decoded) CODEC.decode(frame)).message();
    }

    public String nextFrame(Duration wait) {
        try {
            return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The close status the tracker sent, waiting up to {@code wait}; null if still open. */
    public Integer closeStatus(Duration wait) {
        return closeStatus.completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    public String closeReason() {
        return closeReason.getNow(null);
    }

    public String nodeId() {
        return nodeId;
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason.complete(reason);
            closeStatus.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeStatus.complete(-1);
        }
    }
}
