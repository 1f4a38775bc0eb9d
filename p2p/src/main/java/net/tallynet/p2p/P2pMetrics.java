package net.tallynet.p2p;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import net.tallynet.protocol.RejectReason;
import net.tallynet.protocol.message.Method;

/**
 * The peer layer's meters (names from the operating contract, prefix {@code tallynet_}). Every label
 * value known in advance (methods, reasons) is registered at zero, so a healthy network exports 0
 * rather than nothing and rate() and alerts have a series to work on.
 */
public final class P2pMetrics {
    private final MeterRegistry registry;
    private final Map<Method, Counter> received = new EnumMap<>(Method.class);
    private final Map<Method, Counter> sent = new EnumMap<>(Method.class);
    private final Map<Method, Counter> unsent = new EnumMap<>(Method.class);
    private final Map<Method, Counter> bytesReceived = new EnumMap<>(Method.class);
    private final Map<Method, Counter> bytesSent = new EnumMap<>(Method.class);
    private final Counter bytesReceivedRejected;
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Map<String, Counter> closed = new ConcurrentHashMap<>();
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();
    private final Map<Direction, AtomicInteger> peers = new EnumMap<>(Direction.class);
    private final Counter bans;
    private final AtomicLong sendQueueBytes = new AtomicLong();

    /** Frame rejections raised by the session itself, besides the codec's {@link RejectReason}s. */
    private static final List<String> SESSION_REJECTIONS = List.of(CloseReason.FRAME_TOO_LARGE.label(),
            CloseReason.RATE_LIMITED.label(), CloseReason.BINARY_FRAME.label(), CloseReason.HANDSHAKE_REQUIRED.label());
    /** What the upgrade interceptor refuses with. */
    private static final List<CloseReason> REFUSALS = List.of(CloseReason.BANNED, CloseReason.TOO_MANY_PEERS);

    public P2pMetrics(MeterRegistry registry) {
        this(registry, List.of());
    }

    /** {@code handlerRejections}: the labels the service's handlers may raise, registered at zero too. */
    public P2pMetrics(MeterRegistry registry, Collection<String> handlerRejections) {
        this.registry = registry;
        for (Method method : Method.values()) {
            received.put(method, Counter.builder("tallynet.frames.received").tag("method", method.name())
                    .description("Protocol frames received and decoded, by method").register(registry));
            unsent.put(method, Counter.builder("tallynet.frames.unsent").tag("method", method.name())
                    .description("Large answers dropped unsent because all peers' send queues together were full")
                    .register(registry));
            sent.put(method, Counter.builder("tallynet.frames.sent").tag("method", method.name())
                    .description("Protocol frames sent, by method").register(registry));
            bytesReceived.put(method, Counter.builder("tallynet.frames.received.bytes").tag("method", method.name())
                    .baseUnit("bytes").description("Frame bytes received, by method").register(registry));
            bytesSent.put(method, Counter.builder("tallynet.frames.sent.bytes").tag("method", method.name())
                    .baseUnit("bytes").description("Frame bytes sent, by method").register(registry));
        }
        bytesReceivedRejected = Counter.builder("tallynet.frames.received.bytes").tag("method", "rejected")
                .baseUnit("bytes").description("Frame bytes received, by method").register(registry);
        for (Direction direction : Direction.values()) {
            AtomicInteger count = new AtomicInteger();
            peers.put(direction, count);
            Gauge.builder("tallynet.peers", count, AtomicInteger::get).tag("direction", direction.label())
                    .description("Established peer connections, by direction").register(registry);
        }
        Gauge.builder("tallynet.send.queue", sendQueueBytes, AtomicLong::get).baseUnit("bytes")
                .description("Outbound frame bytes queued to peers and not yet written, all connections")
                .register(registry);
        bans = Counter.builder("tallynet.bans").description("Addresses banned for misbehaviour").register(registry);
        for (RejectReason reason : RejectReason.values()) {
            rejectedCounter(reason.label());
        }
        for (SessionRejectReason reason : SessionRejectReason.values()) {
            rejectedCounter(reason.label());
        }
        SESSION_REJECTIONS.forEach(this::rejectedCounter);
        handlerRejections.forEach(this::rejectedCounter);
        for (CloseReason reason : CloseReason.values()) {
            closedCounter(reason.label());
        }
        REFUSALS.forEach(reason -> refusedCounter(reason.label()));
    }

    /** The gauge of peers' frames waiting for one of the work threads ({@code tallynet.peers.work-threads}). */
    public void workWaiting(IntSupplier waiting) {
        Gauge.builder("tallynet.peers.work.waiting", waiting, IntSupplier::getAsInt).strongReference(true)
                .description("Peers' frames read and waiting for a work thread (tallynet.peers.work-threads)")
                .register(registry);
    }

    public void received(Method method) {
        received.get(method).increment();
    }

    /** A frame written to a peer's socket: counted when written, not when queued (a slow reader's dropped queue is not "sent"). */
    public void sent(Method method, int bytes) {
        sent.get(method).increment();
        bytesSent.get(method).increment(bytes);
    }

    /** A large frame dropped unsent: all peers' send queues together held {@code tallynet.peers.max-send-bytes}. */
    public void unsent(Method method) {
        unsent.get(method).increment();
    }

    /**
     * Bytes queued to peers and not yet written, over every connection (the transport adds and subtracts):
     * what slow readers hold of the heap.
     */
    public AtomicLong sendQueueBytes() {
        return sendQueueBytes;
    }

    /**
     * Characters of a received text frame: the transport hands us decoded text, and for the ASCII JSON
     * of this protocol characters are bytes. {@code method} is null for a frame that did not decode.
     */
    public void receivedBytes(Method method, int length) {
        (method == null ? bytesReceivedRejected : bytesReceived.get(method)).increment(length);
    }

    /** Reasons are the fixed labels of RejectReason, CloseReason and handler rules: a bounded tag set. */
    public void rejected(String reason) {
        rejectedCounter(reason).increment();
    }

    public void closed(CloseReason reason) {
        closedCounter(reason.label()).increment();
    }

    /** An inbound connection refused before the WebSocket upgrade (banned host, no free slot). */
    public void refused(CloseReason reason) {
        refusedCounter(reason.label()).increment();
    }

    private Counter rejectedCounter(String reason) {
        return rejected.computeIfAbsent(reason, r -> Counter.builder("tallynet.frames.rejected").tag("reason", r)
                .description("Frames refused, by reason").register(registry));
    }

    private Counter closedCounter(String reason) {
        return closed.computeIfAbsent(reason, r -> Counter.builder("tallynet.connections.closed").tag("reason", r)
                .description("Connections closed, by reason").register(registry));
    }

    private Counter refusedCounter(String reason) {
        return refused.computeIfAbsent(reason, r -> Counter.builder("tallynet.connections.refused").tag("reason", r)
                .description("Inbound connections refused before the WebSocket upgrade, by reason")
                .register(registry));
    }

    public void banned() {
        bans.increment();
    }

    void established(Direction direction) {
        peers.get(direction).incrementAndGet();
    }

    void ended(Direction direction) {
        peers.get(direction).decrementAndGet();
    }
}
