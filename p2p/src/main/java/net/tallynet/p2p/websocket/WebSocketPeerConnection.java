package net.tallynet.p2p.websocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.tallynet.p2p.CloseReason;
import net.tallynet.p2p.Direction;
import net.tallynet.p2p.P2pMetrics;
import net.tallynet.p2p.P2pProperties;
import net.tallynet.p2p.PeerConnection;
import net.tallynet.p2p.memory.PeerMemory;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.message.Message;
import net.tallynet.protocol.message.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * A {@link PeerConnection} over a Spring WebSocket session. Sends, pings and closes only enqueue on the
 * connection's {@link OutboundQueue}; its writer is the one thread that writes to the socket, so no
 * caller ever blocks on a peer or closes it on its own thread (security review item 9).
 */
final class WebSocketPeerConnection implements PeerConnection {
    private static final Logger log = LoggerFactory.getLogger(WebSocketPeerConnection.class);
    private static final AtomicLong IDS = new AtomicLong();
    private static final SecureRandom TOKENS = new SecureRandom();
    /** What peers ask of us and may be left unanswered when all send queues are full ({@link OutboundQueue#fitsTotal}). */
    private static final Set<Method> ANSWERS = EnumSet.of(Method.BLOCK, Method.PUSHTRANSACTION,
            Method.LISTOFBLOCKS, Method.BLOCKTXN);
    /** RFC 6455 allows 123 bytes of close reason. */
    private static final int MAX_CLOSE_REASON_BYTES = 123;
    /** Tomcat's per-session bound on a blocking write (its default is 20 s). */
    private static final String BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

    private final String id = "c" + IDS.incrementAndGet();
    private final WebSocketSession session;
    /** Tomcat's session under Spring's, to stop reading on close; null under another container (tests). */
    private final jakarta.websocket.Session nativeSession;
    private final InetSocketAddress remoteAddress;
    private final Direction direction;
    private final FrameCodec codec;
    private final FrameAssembler assembler;
    /** This peer's share of the peer memory budget; closed when the connection ends. */
    private final PeerMemory.Share memory;
    /** What the connection holds whatever it does: the container's receive buffer and the known-inventory filters. */
    private final long fixedBytes;
    private final P2pMetrics metrics;
    private final OutboundQueue queue;
    private final Executor writers;
    private final long sendTimeLimitNanos;
    /** Answers in parts still being produced for frames already handled ({@link #answerInParts}); its own monitor. */
    private final int[] answering = new int[1];
    /** Reading pauses above this many queued bytes, so an answer of the largest size still fits the queue. */
    private final long answerLevel;
    /** Set by the first close for a slow reader or an over-share peer: it closes once. */
    private final AtomicBoolean slowReader = new AtomicBoolean();
    /** Set when we close it: what is read after that is not handled (see {@link #close}). */
    private volatile boolean closing;
    /** When anything (a frame or a pong) last arrived, for the keep-alive. */
    private volatile long lastHeardNanos = System.nanoTime();
    /** When the last keep-alive ping was written, 0 once its pong came: the pong's round trip. */
    private volatile long pingWrittenAt;
    /** The lowest round trip of a ping measured so far; inbound eviction keeps the fastest peers. */
    private volatile long minPingNanos = Long.MAX_VALUE;
    /** The round trip of the latest measured ping, for operators; -1 before the first. */
    private volatile long lastPingNanos = -1;
    /** Frame bytes written so far; only the writer thread of the queue adds to it. */
    private volatile long bytesSent;
    /** Parts of answers in parts produced so far ({@link #awaitRoomForAnswer}): the progress the read thread waits on. */
    private final java.util.concurrent.atomic.AtomicLong partsProduced = new java.util.concurrent.atomic.AtomicLong();
    /**
     * Set once the container has reported the connection closed, before the listeners hear of it: Tomcat calls
     * a closing session open until after its close callback, and what the listeners forget (a peer's budgets,
     * its state) must not be made again for a connection that looks open.
     */
    private volatile boolean ended;
    /** The random payload of the last ping: only a pong echoing it measures a round trip. */
    private volatile long pingToken;

    /**
     * {@code writers} runs each connection's writer and its overflow close; {@code allQueues} sums the
     * queued bytes of every connection for the gauge.
     */
    WebSocketPeerConnection(WebSocketSession session, Direction direction, FrameCodec codec, P2pProperties properties,
                            Executor writers, P2pMetrics metrics, AtomicLong allQueues, AssemblyBudget assembling,
                            PeerMemory.Share memory) {
        this.memory = memory;
        this.fixedBytes = properties.receiveBufferBytes() + PeerMemory.KNOWN_INVENTORY_BYTES;
        this.session = session;
        this.remoteAddress = session.getRemoteAddress();
        this.direction = direction;
        this.codec = codec;
        this.metrics = metrics;
        this.writers = writers;
        this.assembler = new FrameAssembler(codec.limits().maxFrameBytes(), assembling, memory,
                properties.frameTimeLimit().toNanos());
        this.sendTimeLimitNanos = properties.sendTimeLimit().toNanos();
        this.answerLevel = properties.sendBufferBytes() - (long) codec.limits().maxFrameBytes();
        this.queue = new OutboundQueue(properties.sendBufferBytes(), properties.maxSendBytes(), writers, this::overflowed,
                allQueues, memory);
        // a write to a peer that has stopped reading fails after the send time limit instead of Tomcat's 20 s
        if (session instanceof NativeWebSocketSession wrapper
                && wrapper.getNativeSession() instanceof jakarta.websocket.Session container) {
            container.getUserProperties().put(BLOCKING_SEND_TIMEOUT, properties.sendTimeLimit().toMillis());
            TomcatClosing.limitCloseWait(container, properties.closeGrace());
            this.nativeSession = container;
        } else {
            this.nativeSession = null;
        }
    }

    /**
     * A part of a text frame from the container; the whole frame once the last part is in, else null.
     * A whole frame holds its share of the assembly budget until {@link #frameHandled()}.
     */
    String assemble(String part, boolean last) throws FrameAssembler.RefusedException, InterruptedException {
        return assembler.add(part, last);
    }

    void frameHandled() {
        assembler.done();
    }

    /** The connection has closed: its frame in parts, if any, gives its budget back. */
    void dropAssembly() {
        assembler.drop();
    }

    /** Admitted (not banned, a slot free): its fixed state now counts against the peer memory budget. */
    void admitted() {
        memory.take(PeerMemory.Part.CONNECTION, fixedBytes);
    }

    /** The connection has ended: all it held in the peer memory budget goes back. */
    void released() {
        assembler.drop();
        memory.close();
    }

    @Override
    public PeerMemory.Share memory() {
        return memory;
    }

    /** How long the frame now arriving in parts has been arriving; 0 if none is. */
    long assemblingNanos() {
        return assembler.assemblingNanos();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    /**
     * Encodes on the caller's thread (bounded by the frame limit), writes on the writer's. A large answer
     * that would pass what all peers' queues may hold together is dropped unsent and counted (the asker
     * moves on as for any unanswered request); announcements and our own requests always go.
     */
    @Override
    public boolean send(Message message) {
        return sendEncoded(message.method(), codec.encodeToBytes(message));
    }

    @Override
    public boolean sendEncoded(Method method, byte[] frame) {
        if (ANSWERS.contains(method) && !queue.fitsTotal(frame.length)) {
            metrics.unsent(method);
            log.debug("peer {} {}: {} of {} bytes not sent: all peers' queues are full", id, remoteAddress,
                    method, frame.length);
            return false;
        }
        return queue.offer(frame.length, () -> write(method, frame));
    }

    /**
     * Closes once the frames queued before have been written; nothing queued after is sent. After a close for
     * something the peer did, nothing more is read from it. An orderly one reads on, so that the peer's close
     * frame ends the connection as soon as it arrives; what else comes is dropped unhandled, and past a small
     * allowance stops the reading ({@link #refuseAfterClose}): a peer cannot keep us reading by answering an
     * orderly close with frames.
     */
    @Override
    public void close(CloseReason reason, String detail) {
        closing = true;
        String text = detail == null ? reason.label() : detail;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_CLOSE_REASON_BYTES) {
            text = new String(bytes, 0, MAX_CLOSE_REASON_BYTES, StandardCharsets.US_ASCII);
        }
        CloseStatus status = new CloseStatus(reason.status(), text);
        if (!reason.orderly()) {
            stopReading();
        }
        if (!queue.offerLast(() -> closeNow(status))) {
            // the queue had stopped without closing (a writer failure): close here, or nothing ever would
            try {
                writers.execute(() -> closeNow(status));
            } catch (RejectedExecutionException stopping) {
                closeNow(status);
            }
        }
    }

    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /**
     * A pong arrived: the peer is alive. If it echoes the payload of our last ping, that ping's round
     * trip is measured; an unasked pong, or one with another payload, measures nothing (a peer could
     * otherwise send pongs ahead of our pings and look near, to be kept by inbound eviction).
     */
    void pong(ByteBuffer payload) {
        long now = System.nanoTime();
        lastHeardNanos = now;
        long written = pingWrittenAt;
        if (written != 0 && payload.remaining() == Long.BYTES && payload.getLong(payload.position()) == pingToken) {
            pingWrittenAt = 0;
            lastPingNanos = now - written;
            minPingNanos = Math.min(minPingNanos, now - written);
        }
    }

    long minPingNanos() {
        return minPingNanos;
    }

    @Override
    public long pingNanos() {
        return lastPingNanos;
    }

    @Override
    public long bytesSent() {
        return bytesSent;
    }

    long silentNanos() {
        return System.nanoTime() - lastHeardNanos;
    }

    /** A keep-alive ping, queued like a frame: the timer thread never writes. */
    void ping() {
        queue.offer(0, () -> {
            try {
                long token = TOKENS.nextLong();
                pingToken = token;
                pingWrittenAt = System.nanoTime();
                session.sendMessage(new PingMessage(ByteBuffer.allocate(Long.BYTES).putLong(0, token)));
            } catch (IOException | IllegalStateException e) {
                failed("ping", e, 0);
            }
        });
    }

    /**
     * Called on the peer's read thread before a frame is handled: waits until the answers of the frames handled
     * before have all been produced ({@link #answerInParts}) and our queue to the peer has room for an answer
     * of the largest size, so a peer's requests never produce more than it reads (TCP then slows the peer
     * down), and only one thread produces answers for it at a time. False, and the peer is closed, if either
     * makes no progress for twice the send time limit; the writer's own timeout normally ends such a
     * connection first. Progress is a part of the answers produced (each once the queue had room for it, so
     * once the peer read the part before): a long batch read steadily by a slow but honest peer takes as long
     * as it takes, while other frames to the peer (relays, announcements) do not hide a producer that stalled.
     */
    boolean awaitTurnToBeAnswered() {
        long idleLimit = 2 * sendTimeLimitNanos;
        long deadline = System.nanoTime() + idleLimit;
        long produced = partsProduced.get();
        try {
            synchronized (answering) {
                while (answering[0] > 0) {
                    long now = System.nanoTime();
                    if (partsProduced.get() != produced) { // a part went out: the deadline counts from it
                        produced = partsProduced.get();
                        deadline = now + idleLimit;
                    }
                    long left = deadline - now;
                    if (left <= 0) {
                        return stuck("answers in parts made no progress for " + idleLimit / 1_000_000 + " ms");
                    }
                    // the producer does not notify this monitor per part: look at its progress a few times per limit
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(answering, Math.min(left, idleLimit / 8));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return roomInQueue();
    }

    @Override
    public Runnable answerInParts() {
        synchronized (answering) {
            answering[0]++;
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                synchronized (answering) {
                    answering[0]--;
                    answering.notifyAll();
                }
            }
        };
    }

    @Override
    public boolean awaitRoomForAnswer() {
        if (roomInQueue() && isOpen()) {
            partsProduced.incrementAndGet();
            return true;
        }
        return false;
    }

    /** The container reported the connection closed (see {@link #ended}). */
    void markEnded() {
        ended = true;
    }

    private boolean roomInQueue() {
        try {
            if (queue.awaitAtMost(answerLevel, 2 * sendTimeLimitNanos)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return stuck("nothing written for " + 2 * sendTimeLimitNanos / 1_000_000 + " ms");
    }

    /** Closes the peer as a slow reader, off this thread; false. */
    private boolean stuck(String why) {
        try {
            writers.execute(() -> slowReader(why)); // closing may wait for the stuck write: not on the read thread
        } catch (RejectedExecutionException stopping) {
            queue.stop();
        }
        return false;
    }

    /** Bytes queued for the peer and not yet written. */
    long queuedBytes() {
        return queue.bytes();
    }

    @Override
    public boolean isOpen() {
        return !ended && !queue.isClosed() && session.isOpen();
    }

    private void write(Method method, byte[] frame) {
        long started = System.nanoTime();
        try {
            session.sendMessage(new TextMessage(frame));
            // counted once written: what a slow reader never got is not "sent"
            metrics.sent(method, frame.length);
            bytesSent += frame.length; // one writer at a time per connection (the queue's order)
        } catch (IOException | IllegalStateException e) {
            failed(method.name(), e, System.nanoTime() - started);
        }
    }

    /**
     * A write failed: the connection is gone, or the peer read nothing for the send time limit and the
     * container gave up (and closed the socket). Nothing more is sent either way.
     */
    private void failed(String what, Exception e, long tookNanos) {
        queue.stop();
        if (tookNanos >= sendTimeLimitNanos && slowReader.compareAndSet(false, true)) {
            metrics.closed(CloseReason.SLOW_READER);
            log.info("peer {} {}: slow reader ({} not written within {} ms), disconnecting", id, remoteAddress,
                    what, sendTimeLimitNanos / 1_000_000);
            closeNow(new CloseStatus(CloseReason.SLOW_READER.status(), CloseReason.SLOW_READER.label()));
        } else {
            log.debug("peer {} {}: {} not sent: {}", id, remoteAddress, what, e.toString());
        }
    }

    /** The queue overflowed; runs on a writer thread, not the sender's (which may hold locks). */
    private void overflowed() {
        if (queue.overShare()) {
            // the peer holds its whole share of the peer memory budget: dropped, not buffered further
            drop(CloseReason.MEMORY_BUDGET, "over its share of " + memory.budget().perPeer()
                    + " bytes of peer memory (sending would pass it)");
            return;
        }
        slowReader("over " + (answerLevel + codec.limits().maxFrameBytes()) + " bytes queued");
    }

    private void slowReader(String why) {
        drop(CloseReason.SLOW_READER, "slow reader (" + why + ")");
    }

    /** Stops reading and sending, and closes once (the first reason wins); runs on a writer thread. */
    private void drop(CloseReason reason, String why) {
        stopReading();
        queue.stop();
        if (slowReader.compareAndSet(false, true)) {
            metrics.closed(reason);
            log.info("peer {} {}: {}, disconnecting", id, remoteAddress, why);
            // may wait for the write in progress (at most the send time limit), then the socket is closed
            closeNow(new CloseStatus(reason.status(), reason.label()));
        }
    }

    /**
     * Whether a frame, a part of one or a pong of {@code bytes} just read came after we closed this connection: if
     * so it is not handled (see {@link TomcatClosing#readAfterClose}).
     */
    boolean refuseAfterClose(long bytes) {
        if (!closing) {
            return false;
        }
        if (nativeSession != null) {
            TomcatClosing.readAfterClose(nativeSession, bytes);
        }
        return true;
    }

    /** Nothing the peer sends once we close is wanted: left unread, it costs neither CPU nor memory. */
    private void stopReading() {
        if (nativeSession != null) {
            TomcatClosing.stopReading(nativeSession);
        }
    }

    private void closeNow(CloseStatus status) {
        try {
            session.close(status);
        } catch (IOException | IllegalStateException e) {
            log.debug("peer {} {}: close failed: {}", id, remoteAddress, e.toString());
        }
    }
}
