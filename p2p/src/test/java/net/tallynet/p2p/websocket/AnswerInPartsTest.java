package net.tallynet.p2p.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.tallynet.p2p.Direction;
import net.tallynet.p2p.P2pMetrics;
import net.tallynet.p2p.P2pProperties;
import net.tallynet.p2p.memory.PeerMemory;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.message.GetAddrMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * The read thread's wait for a batch answered in parts ({@link WebSocketPeerConnection#answerInParts}): it
 * lasts while the peer reads, however long, and closes a peer that reads nothing.
 */
class AnswerInPartsTest {
    private static final Duration SEND_TIME_LIMIT = Duration.ofMillis(300);

    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
    private final SlowSocket socket = new SlowSocket();
    private final WebSocketPeerConnection connection = new WebSocketPeerConnection(socket, Direction.INBOUND,
            new FrameCodec(), properties(), writers, new P2pMetrics(new SimpleMeterRegistry()), new AtomicLong(),
            new AssemblyBudget(32L << 20, PeerMemory.UNBOUNDED), PeerMemory.UNBOUNDED.open());

    @AfterEach
    void stop() {
        writers.shutdownNow();
    }

    @Test
    void aBatchReadSteadilyPastTwiceTheSendTimeLimitKeepsThePeer() throws Exception {
        Runnable release = connection.answerInParts();
        // the producer of the parts: a frame every 100 ms for 1.5 s, each taken by the (slow) peer at once,
        // so the whole batch takes 2.5 times the read thread's 600 ms limit without ever stalling that long
        Thread producer = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 15 && connection.awaitRoomForAnswer(); i++) {
                connection.send(new GetAddrMessage(8081));
                sleep(100);
            }
            release.run();
        });
        long started = System.nanoTime();

        assertThat(connection.awaitTurnToBeAnswered()).isTrue();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(SEND_TIME_LIMIT.multipliedBy(2));
        producer.join();
        assertThat(socket.written.get()).isEqualTo(15);
        assertThat(socket.closed).isNull();
    }

    @Test
    void aBatchWhosePartsStopComingClosesThePeerAsASlowReader() throws Exception {
        Runnable release = connection.answerInParts(); // never released: the parts stopped

        assertThat(connection.awaitTurnToBeAnswered()).isFalse();

        release.run();
        for (int i = 0; i < 50 && socket.closed == null; i++) {
            sleep(20);
        }
        assertThat(socket.closed).isNotNull();
        assertThat(socket.closed.getReason()).isEqualTo("slow_reader");
    }

    @Test
    void otherFramesWrittenMeanwhileAreNoProgressOfTheBatch() throws Exception {
        Runnable release = connection.answerInParts(); // the batch's producer has stalled
        // relays and announcements keep going to the peer for 5 s; they must not hide the stall
        Thread relay = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 100 && socket.closed == null; i++) {
                connection.send(new GetAddrMessage(8081));
                sleep(50);
            }
        });
        long started = System.nanoTime();

        assertThat(connection.awaitTurnToBeAnswered()).isFalse();

        // closed after the 600 ms without a part, not once the relays stopped
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        release.run();
        relay.join();
        assertThat(socket.written.get()).isPositive();
    }

    @Test
    void aConnectionTheContainerReportedClosedIsClosedForItsListeners() {
        assertThat(connection.isOpen()).isTrue();
        connection.markEnded(); // Tomcat may still call a closing session open at that moment
        assertThat(socket.isOpen()).isTrue();
        assertThat(connection.isOpen()).isFalse();
    }

    private static P2pProperties properties() {
        P2pProperties d = P2pProperties.defaults();
        return new P2pProperties(d.handshakeTimeout(), d.rejectionPenalty(), d.misbehaviourThreshold(),
                d.banDuration(), d.maxBannedAddresses(), d.messagesPerSecond(), d.messageBurst(), d.sendBufferBytes(),
                SEND_TIME_LIMIT, d.maxInbound(), d.maxFrameBytes(), d.pingInterval(), d.pingTimeout(),
                d.bytesPerSecond(), d.byteBurst(), d.receiveBufferBytes(), d.misbehaviourMemory(), d.closeGrace(),
                d.maxAssemblingBytes(), d.frameTimeLimit(), d.maxSendBytes(), d.workThreads(), d.socketBufferCache());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A WebSocket session that counts the frames written to it and remembers how it was closed. */
    private static final class SlowSocket implements WebSocketSession {
        final AtomicInteger written = new AtomicInteger();
        volatile CloseStatus closed;
        private final Map<String, Object> attributes = new ConcurrentHashMap<>();

        @Override public String getId() { return "slow"; }
        @Override public URI getUri() { return URI.create("ws://127.0.0.1:1/p2p"); }
        @Override public HttpHeaders getHandshakeHeaders() { return new HttpHeaders(); }
        @Override public Map<String, Object> getAttributes() { return attributes; }
        @Override public Principal getPrincipal() { return null; }
        @Override public InetSocketAddress getLocalAddress() { return new InetSocketAddress("127.0.0.1", 1); }
        @Override public InetSocketAddress getRemoteAddress() { return new InetSocketAddress("127.0.0.2", 2); }
        @Override public String getAcceptedProtocol() { return null; }
        @Override public void setTextMessageSizeLimit(int limit) { }
        @Override public int getTextMessageSizeLimit() { return 1 << 20; }
        @Override public void setBinaryMessageSizeLimit(int limit) { }
        @Override public int getBinaryMessageSizeLimit() { return 1 << 20; }
        @Override public List<WebSocketExtension> getExtensions() { return List.of(); }
        @Override public void sendMessage(WebSocketMessage<?> message) { written.incrementAndGet(); }
        @Override public boolean isOpen() { return closed == null; }
        @Override public void close() { close(CloseStatus.NORMAL); }
        @Override public void close(CloseStatus status) { closed = status; }
    }
}
