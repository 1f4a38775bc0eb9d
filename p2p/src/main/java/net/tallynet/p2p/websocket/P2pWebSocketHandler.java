package net.tallynet.p2p.websocket;

import java.lang.ref.WeakReference;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.tallynet.p2p.CloseReason;
import net.tallynet.p2p.Direction;
import net.tallynet.p2p.InboundEviction;
import net.tallynet.p2p.PeerContext;
import net.tallynet.p2p.PeerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * The WebSocket side of the peer layer, for {@code /p2p} (inbound) and for connections we open
 * (outbound, marked by the {@link #DIRECTION} session attribute). One {@link PeerSession} per socket.
 * Writes, closes and close callbacks run on {@code peerTasks} (each connection's writer, see
 * {@link OutboundQueue}): no thread that sends to a peer, or closes it, ever waits on its socket or
 * runs the listeners' close callbacks while holding its own locks.
 */
public final class P2pWebSocketHandler extends AbstractWebSocketHandler {
    /** Session attribute holding the {@link Direction}; absent means inbound. */
    public static final String DIRECTION = "tallynet.direction";
    /** Session attribute of an outbound connection: the role its HELLO must claim ({@code node} or {@code tracker}). */
    public static final String EXPECTED_ROLE = "tallynet.expected-role";
    private static final Logger log = LoggerFactory.getLogger(P2pWebSocketHandler.class);

    private final PeerContext context;
    private final ExecutorService peerTasks;
    private final Map<String, PeerSession> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger inbound = new AtomicInteger();
    private final RefusalLog refusals = new RefusalLog();
    /** Inbound sessions closed to make room, no longer counted in {@link #inbound} though their close is under way. */
    private final Set<PeerSession> evicted = ConcurrentHashMap.newKeySet();
    /** Keys the netgroup ranking of eviction, so an attacker cannot pick addresses that are always protected. */
    private final long evictionKey = new SecureRandom().nextLong();
    /** What all peers' frames in parts may hold together. */
    private final AssemblyBudget assembling;
    private final PeerWork work;

    RefusalLog refusals() {
        return refusals;
    }

    /** How the inbound limit reads in a refusal's log line. */
    String inboundLimit() {
        return "tallynet.peers.max-inbound " + context.properties().maxInbound() + " inbound connections";
    }

    public P2pWebSocketHandler(PeerContext context, ExecutorService peerTasks) {
        this.context = context;
        this.peerTasks = peerTasks;
        this.assembling = new AssemblyBudget(context.properties().maxAssemblingBytes(), context.memory());
        this.work = new PeerWork(context.properties().effectiveWorkThreads());
        context.metrics().workWaiting(work::waiting);
        long interval = context.properties().pingInterval().toMillis();
        context.scheduler().scheduleWithFixedDelay(this::keepAlive, interval, interval, TimeUnit.MILLISECONDS);
    }

    /**
     * Pings every connection; one silent (no frame, no pong) for longer than the ping timeout is dead:
     * a half-open TCP connection would otherwise hold a peer slot for ever. Node peers replace it by dialling.
     */
    void keepAlive() {
        long timeout = context.properties().pingTimeout().toNanos();
        long frameTimeLimit = context.properties().frameTimeLimit().toNanos();
        for (PeerSession session : sessions.values()) {
            WebSocketPeerConnection connection = (WebSocketPeerConnection) session.connection();
            if (connection.isOpen() && connection.assemblingNanos() > frameTimeLimit) {
                slowFrame(session, connection); // it stopped in the middle of a frame: no part comes to be refused
            } else if (connection.silentNanos() > timeout) {
                log.info("peer {} {}: nothing heard for {}, disconnecting", connection.id(), session.remoteHost(),
                        context.properties().pingTimeout());
                session.close(CloseReason.UNRESPONSIVE, null);
            } else {
                connection.ping();
            }
        }
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession socket) throws Exception {
        Direction direction = (Direction) socket.getAttributes().getOrDefault(DIRECTION, Direction.INBOUND);
        WebSocketPeerConnection connection = new WebSocketPeerConnection(socket, direction, context.codec(),
                context.properties(), peerTasks, context.metrics(), context.metrics().sendQueueBytes(), assembling,
                context.memory().open());
        PeerSession session = new PeerSession(connection, context, (String) socket.getAttributes().get(EXPECTED_ROLE));
        if (direction == Direction.INBOUND) {
            if (context.bans().isBanned(session.remoteHost())) {
                context.metrics().closed(CloseReason.BANNED);
                connection.close(CloseReason.BANNED, null);
                return;
            }
            if (inbound.incrementAndGet() > context.properties().maxInbound()) {
                inbound.decrementAndGet();
                refusals.refused(session.remoteHost(), CloseReason.TOO_MANY_PEERS, inboundLimit());
                context.metrics().closed(CloseReason.TOO_MANY_PEERS);
                connection.close(CloseReason.TOO_MANY_PEERS, null);
                return;
            }
        }
        connection.admitted();
        sessions.put(socket.getId(), session);
        // the timer holds the session weakly: while open, the session map holds it; once closed (a tracker
        // closes each registration within milliseconds), its buffers, a receive buffer's worth of chars in
        // the container's frame reader, must not wait for the timer. Held strongly, thousands of closed
        // registrations a second kept hundreds of MB reachable for the 10 s of the timeout (issue 19).
        WeakReference<PeerSession> timed = new WeakReference<>(session);
        context.scheduler().schedule(() -> {
            PeerSession open = timed.get();
            if (open != null) {
                open.onHandshakeTimeout();
            }
        }, context.properties().handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        session.start();
    }

    /** Frames arrive in parts no larger than the container's small buffer; see {@link FrameAssembler}. */
    @Override
    public boolean supportsPartialMessages() {
        return true;
    }

    @Override
    protected void handleTextMessage(WebSocketSession socket, TextMessage message) {
        PeerSession session = receiving(socket, message.getPayloadLength());
        if (session == null) {
            return;
        }
        WebSocketPeerConnection connection = (WebSocketPeerConnection) session.connection();
        connection.heard();
        String frame;
        try {
            frame = connection.assemble(message.getPayload(), message.isLast());
        } catch (FrameAssembler.RefusedException e) {
            refused(session, connection, e.refusal());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the service is stopping: this frame is not read on
            connection.dropAssembly();
            session.close(CloseReason.NORMAL, null);
            return;
        }
        if (frame == null) {
            return;
        }
        try {
            // the peer's next request waits until its answers so far have gone (TCP then slows the peer down):
            // a peer's requests must not fill its queue, and this thread holds no lock while it waits
            if (connection.awaitTurnToBeAnswered()) {
                work.handle(() -> session.onFrame(frame));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the service is stopping: this frame is not handled
            session.close(CloseReason.NORMAL, null);
        } finally {
            connection.frameHandled();
        }
    }

    private void slowFrame(PeerSession session, WebSocketPeerConnection connection) {
        log.info("peer {} {}: a frame took longer than {} to arrive, disconnecting", connection.id(),
                session.remoteHost(), context.properties().frameTimeLimit());
        session.close(CloseReason.SLOW_FRAME, null);
    }

    private void refused(PeerSession session, WebSocketPeerConnection connection, FrameAssembler.Refusal refusal) {
        switch (refusal) {
            case TOO_LARGE -> {
                context.metrics().rejected(CloseReason.FRAME_TOO_LARGE.label());
                log.info("peer {} {}: frame over {} bytes, disconnecting", connection.id(), session.remoteHost(),
                        context.codec().limits().maxFrameBytes());
                session.close(CloseReason.FRAME_TOO_LARGE, null);
            }
            case TOO_SLOW -> slowFrame(session, connection);
            case OVER_SHARE -> {
                log.info("peer {} {}: a frame would take it past its share of {} bytes of peer memory, disconnecting",
                        connection.id(), session.remoteHost(), context.memory().perPeer());
                session.close(CloseReason.MEMORY_BUDGET, null);
            }
            case NO_BUDGET -> {
                log.info("peer {} {}: no room among the {} bytes of frames being assembled for {}, disconnecting",
                        connection.id(), session.remoteHost(), context.properties().maxAssemblingBytes(),
                        context.properties().frameTimeLimit());
                session.close(CloseReason.MEMORY_BUDGET, null);
            }
        }
    }

    @Override
    protected void handleBinaryMessage(WebSocketSession socket, BinaryMessage message) {
        PeerSession session = receiving(socket, message.getPayloadLength());
        if (session != null) {
            session.onBinaryFrame();
        }
    }

    @Override
    protected void handlePongMessage(WebSocketSession socket, PongMessage message) {
        PeerSession session = receiving(socket, message.getPayloadLength());
        if (session != null) {
            ((WebSocketPeerConnection) session.connection()).pong(message.getPayload());
        }
    }

    /**
     * The session a frame (a part of one, a pong) of {@code bytes} is for, or null if we have closed its connection:
     * then it is dropped unhandled, and counted towards stopping the reading ({@link TomcatClosing#readAfterClose}),
     * whether the session is still there (its close under way) or has ended (only an orderly close's reply was
     * awaited).
     */
    private PeerSession receiving(WebSocketSession socket, long bytes) {
        PeerSession session = sessions.get(socket.getId());
        if (session != null) {
            return ((WebSocketPeerConnection) session.connection()).refuseAfterClose(bytes) ? null : session;
        }
        if (socket instanceof NativeWebSocketSession wrapper
                && wrapper.getNativeSession() instanceof jakarta.websocket.Session container) {
            TomcatClosing.readAfterClose(container, bytes);
        }
        return null;
    }

    @Override
    public void handleTransportError(WebSocketSession socket, Throwable exception) {
        log.debug("socket {}: transport error: {}", socket.getId(), exception.toString());
    }

    /**
     * The container calls this on whatever thread closed the socket, which may hold locks of its own (a
     * writer, a close from a listener): the session and its listeners hear of it on another thread.
     * The session leaves {@link #sessions} once they have, so {@link #closeAll} can wait for them.
     */
    @Override
    public void afterConnectionClosed(WebSocketSession socket, CloseStatus status) {
        PeerSession session = sessions.get(socket.getId());
        if (session == null) {
            return;
        }
        // before the listeners hear of it: the container may still call a closing socket open meanwhile
        ((WebSocketPeerConnection) session.connection()).markEnded();
        try {
            peerTasks.execute(() -> ended(socket.getId(), session));
        } catch (RejectedExecutionException stopping) {
            ended(socket.getId(), session);
        }
    }

    private void ended(String socketId, PeerSession session) {
        ((WebSocketPeerConnection) session.connection()).dropAssembly();
        try {
            session.onClosed();
        } finally {
            ((WebSocketPeerConnection) session.connection()).released();
            boolean wasEvicted = evicted.remove(session); // its slot was freed when it was picked
            if (sessions.remove(socketId, session) && session.connection().direction() == Direction.INBOUND
                    && !wasEvicted) {
                inbound.decrementAndGet();
            }
        }
    }

    /**
     * Closes every connection, inbound and outbound, with {@code normal}: the service is stopping. Waits
     * (at most {@code timeout}) until each has been closed and its listeners told, so nothing of the peer
     * layer runs once the database behind the listeners is closed.
     */
    public void closeAll(Duration timeout) {
        for (PeerSession session : sessions.values()) {
            session.close(CloseReason.NORMAL, null);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!sessions.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!sessions.isEmpty()) {
            log.info("{} peer connections still open after {}", sessions.size(), timeout);
        }
    }

    /** Refuses banned hosts and connections over {@code max-inbound} before the upgrade. */
    public HandshakeInterceptor admission() {
        return new AdmissionInterceptor(context, this);
    }

    /**
     * Every inbound slot is taken and {@code newcomer} knocks: closes the inbound peer
     * {@link InboundEviction} picks and frees its slot at once; false if every peer is protected.
     */
    boolean evictForNewcomer(String newcomer) {
        PeerSession victim;
        synchronized (evicted) { // one decision at a time, so two newcomers do not pick the same peer
            List<InboundEviction.Candidate<PeerSession>> candidates = sessions.values().stream()
                    .filter(s -> s.connection().direction() == Direction.INBOUND && !evicted.contains(s))
                    .map(s -> new InboundEviction.Candidate<>(s, InboundEviction.netgroup(s.remoteHost()),
                            s.connectedAt(), s.lastNovelBlockAt(), s.lastNovelTransactionAt(),
                            ((WebSocketPeerConnection) s.connection()).minPingNanos()))
                    .toList();
            victim = InboundEviction.choose(candidates, evictionKey).orElse(null);
            if (victim == null) {
                return false;
            }
            evicted.add(victim);
            inbound.decrementAndGet();
        }
        log.info("peer {} {}: evicted to make room for {}", victim.connection().id(), victim.remoteHost(), newcomer);
        victim.close(CloseReason.EVICTED, null);
        return true;
    }

    /** Inbound sessions open now, established or not: what {@code max-inbound} bounds. */
    int inboundSessions() {
        return inbound.get();
    }

    /** Sessions with an open socket, established or not. */
    public int openSessions() {
        return sessions.size();
    }
}
