package net.tallynet.p2p;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import net.tallynet.protocol.codec.DecodeResult;
import net.tallynet.protocol.codec.DecodeResult.Decoded;
import net.tallynet.protocol.codec.DecodeResult.Rejected;
import net.tallynet.protocol.message.HeyMessage;
import net.tallynet.protocol.message.HelloMessage;
import net.tallynet.protocol.message.Message;
import net.tallynet.protocol.message.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's protocol state (PROTOCOL.md 6, 7.1): decodes every frame, runs the HELLO/HEY
 * handshake, dispatches established traffic to the service's handlers, and charges misbehaviour.
 * The handshake is symmetric: a connection is established once we have accepted the peer's HELLO
 * (and answered HEY) and the peer has answered our HELLO with HEY. The opener sends HELLO first;
 * the other side sends its HELLO right after its HEY.
 */
public final class PeerSession {
    private static final Logger log = LoggerFactory.getLogger(PeerSession.class);
    /**
     * Connections established and ended, a line each: useful on a node with a few dozen peers, noise on a
     * tracker where every registration is a connection (thousands a second at scale): its configuration
     * turns this logger down, and its registrations are summed up in one line a minute instead.
     */
    public static final String CONNECTIONS_LOGGER = "net.tallynet.p2p.connections";
    private static final Logger connections = LoggerFactory.getLogger(CONNECTIONS_LOGGER);

    private final PeerConnection connection;
    private final PeerContext context;
    private final Bucket inboundRate;
    private final Bucket inboundBytes;
    private final String remoteHost;
    /** For a connection we opened: the role the peer must claim in its HELLO; null accepts either. */
    private final String expectedRole;

    // read without the session's lock by other components (relay, registries): volatile, never locked,
    // so nothing outside holds a session lock while waiting for its own (a lock cycle is a deadlock)
    private volatile HelloMessage remoteHello;
    /** Our HELLO on this connection: the tip the peer was told of (a block found after it never reached the peer). */
    private volatile HelloMessage sentHello;
    private volatile boolean established;
    private volatile int misbehaviour;
    /**
     * We have closed this connection (its transport may not have ended yet): it no longer counts against a new
     * connection opened by the same side, which takes its place ({@link #replacesDuplicate}).
     */
    private volatile boolean leaving;
    /** The length of the frame being handled; written and read under this session's lock. */
    private int frameLength;
    /** When the connection opened, and when the peer last gave us a new block or transaction: what eviction weighs. */
    private final long connectedAt = System.nanoTime();
    /** Frame characters received so far, accepted or not (for operators' views). */
    private volatile long bytesReceived;
    private volatile long lastNovelBlockAt;
    private volatile long lastNovelTransactionAt;
    private boolean helloSent;
    private boolean heyReceived;
    private boolean closed;

    public PeerSession(PeerConnection connection, PeerContext context) {
        this(connection, context, null);
    }

    public PeerSession(PeerConnection connection, PeerContext context, String expectedRole) {
        this.connection = connection;
        this.expectedRole = expectedRole;
        this.context = context;
        this.remoteHost = hostOf(connection);
        P2pProperties properties = context.properties();
        // a flood of frames costs decoding time even when every frame is valid: bound the rate per connection
        this.inboundRate = Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(properties.messageBurst())
                        .refillGreedy(properties.messagesPerSecond(), Duration.ofSeconds(1)).build())
                .build();
        // a message count alone lets 200 frames of 4 MiB a second through: bound the bytes as well
        this.inboundBytes = Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(properties.byteBurst())
                        .refillGreedy(properties.bytesPerSecond(), Duration.ofSeconds(1)).build())
                .build();
    }

    /** Called by the transport once the connection is open: the opener speaks first. */
    public synchronized void start() {
        if (connection.direction() == Direction.OUTBOUND) {
            sendHello();
        }
    }

    public synchronized void onFrame(String frame) {
        bytesReceived += frame.length();
        if (closed) {
            return;
        }
        if (!inboundRate.tryConsume(1)) {
            context.metrics().rejected(CloseReason.RATE_LIMITED.label());
            log.info("peer {} {}: over {} messages/s, disconnecting", connection.id(), remoteHost,
                    context.properties().messagesPerSecond());
            close(CloseReason.RATE_LIMITED, null);
            return;
        }
        if (!inboundBytes.tryConsume(frame.length())) {
            // not decoded, not acted on: charged, so a peer that keeps it up is banned
            context.metrics().receivedBytes(null, frame.length());
            reject(SessionRejectReason.BYTE_RATE_LIMITED.label(), frame.length() + " bytes over "
                    + context.properties().bytesPerSecond() + " bytes/s");
            return;
        }
        DecodeResult result = context.codec().decode(frame);
        switch (result) {
            case Rejected rejected -> {
                context.metrics().receivedBytes(null, frame.length());
                reject(rejected.reason().label(), rejected.detail());
            }
            case Decoded decoded -> {
                context.metrics().receivedBytes(decoded.message().method(), frame.length());
                frameLength = frame.length();
                dispatch(decoded.message());
            }
        }
    }

    /**
     * The length of the frame whose message is being handled (a handler runs inside {@link #onFrame}):
     * what keeping the message costs, for budgets counted in bytes.
     */
    public int frameLength() {
        return frameLength;
    }

    /**
     * Charges a message this peer sent earlier and that proved invalid later (a block held for its
     * parent). Counted, logged and charged like a rejected frame. Takes this session's lock: call it
     * from a thread that holds no other session's lock.
     */
    public synchronized void charge(String reason, String detail) {
        if (!closed) {
            reject(reason, detail);
        }
    }

    /** The peer gave us a block we did not have and it joined our chain: worth keeping (see {@link InboundEviction}). */
    public void noteNovelBlock() {
        lastNovelBlockAt = System.nanoTime();
    }

    /** The peer gave us a transaction we did not have and it entered our mempool. */
    public void noteNovelTransaction() {
        lastNovelTransactionAt = System.nanoTime();
    }

    public long bytesReceived() {
        return bytesReceived;
    }

    public long connectedAt() {
        return connectedAt;
    }

    public long lastNovelBlockAt() {
        return lastNovelBlockAt;
    }

    public long lastNovelTransactionAt() {
        return lastNovelTransactionAt;
    }

    public synchronized void onBinaryFrame() {
        context.metrics().rejected(CloseReason.BINARY_FRAME.label());
        close(CloseReason.BINARY_FRAME, null);
    }

    public synchronized void onHandshakeTimeout() {
        if (!established && !closed) {
            log.info("peer {} {}: handshake not completed in {}", connection.id(), remoteHost,
                    context.properties().handshakeTimeout());
            close(CloseReason.HANDSHAKE_TIMEOUT, null);
        }
    }

    /**
     * Called by the transport when the connection has ended, whoever closed it; never on the thread that
     * closed it, which may hold locks the listeners take.
     */
    public synchronized void onClosed() {
        closed = true;
        // registered but not established too: a handshake broken off between the two must not leave this
        // session holding the peer's place, refusing every later connection from it as a duplicate
        context.registry().remove(this);
        if (established) {
            established = false;
            context.metrics().ended(connection.direction());
            connections.info("peer {} {} {} disconnected", connection.id(), connection.direction().label(), remoteHost);
            context.listener().closed(this);
        }
    }

    /**
     * The frame just handled answered a request of ours (a block we asked this peer for): it gives back the
     * message it took from the peer's inbound rate. What we solicit is bounded by what we ask, and with block
     * batches (PROTOCOL.md 12.2) one request of ours may bring 128 answers: our own sync must not look like
     * the peer flooding us.
     */
    public void solicited() {
        inboundRate.addTokens(1);
    }

    /** Queues the message; returns at once (the transport counts it in the metrics once written). */
    public void send(Message message) {
        if (connection.isOpen()) {
            connection.send(message);
        }
    }

    /**
     * Queues a frame the codec encoded earlier (a stored block), as it is: serving it costs no decoding
     * and encoding again, which under a flood of GETBLOCKs was most of what answering them cost.
     */
    public void sendEncoded(Method method, byte[] frame) {
        if (connection.isOpen()) {
            connection.sendEncoded(method, frame);
        }
    }

    /**
     * Closes the connection without taking this session's lock, for components that hold locks of
     * their own: the transport then reports the end through {@link #onClosed()} as for any close.
     */
    public void disconnect(CloseReason reason) {
        leaving = true;
        context.metrics().closed(reason);
        connection.close(reason, reason.label());
    }

    public synchronized void close(CloseReason reason, String detail) {
        if (closed) {
            return;
        }
        closed = true;
        leaving = true;
        context.metrics().closed(reason);
        connection.close(reason, detail == null ? reason.label() : detail);
    }

    private void dispatch(Message message) {
        context.metrics().received(message.method());
        switch (message) {
            case HelloMessage hello -> onHello(hello);
            case HeyMessage hey -> onHey();
            default -> {
                if (!established) {
                    refuseHandshake("sent " + message.method() + " before the handshake");
                    return;
                }
                MessageHandler<Message> handler = context.handlers().find(message.method());
                if (handler == null) {
                    reject(SessionRejectReason.UNSUPPORTED_METHOD.label(), message.method() + " is not served here");
                    return;
                }
                try {
                    handler.handle(this, message);
                } catch (PeerMisbehaviourException e) {
                    reject(e.reason(), e.getMessage());
                } catch (RuntimeException e) {
                    // our fault, not the peer's: keep the connection, do not charge it
                    log.warn("peer {} {}: handling {} failed", connection.id(), remoteHost, message.method(), e);
                }
            }
        }
    }

    private void onHello(HelloMessage hello) {
        if (remoteHello != null) {
            if (!established) {
                reject(SessionRejectReason.DUPLICATE_HELLO.label(), "second HELLO during the handshake");
                return;
            }
            if (!hello.nodeId().equals(remoteHello.nodeId()) || !hello.network().equals(remoteHello.network())) {
                reject(SessionRejectReason.HELLO_CHANGED.label(),
                        "HELLO changed node id or network on an established connection");
                return;
            }
            // a later HELLO refreshes the peer's summary (and is how a tracker checks a live member)
            remoteHello = hello;
            send(new HeyMessage(context.local().nodeId()));
            return;
        }
        if (hello.nodeId().equals(context.local().nodeId())) {
            close(CloseReason.SELF_CONNECTION, null);
            return;
        }
        if (!hello.network().equals(context.local().networkId())) {
            log.info("peer {} {}: other network {}", connection.id(), remoteHost, hello.network());
            close(CloseReason.WRONG_NETWORK, null);
            return;
        }
        if (hello.version() < HelloMessage.PROTOCOL_VERSION) {
            close(CloseReason.UNSUPPORTED_VERSION, null);
            return;
        }
        if (expectedRole != null && !expectedRole.equals(hello.role())) {
            log.info("peer {} {}: dialled as {} but claims {}", connection.id(), remoteHost, expectedRole,
                    hello.role());
            close(CloseReason.UNEXPECTED_ROLE, null);
            return;
        }
        remoteHello = hello;
        send(new HeyMessage(context.local().nodeId()));
        if (!helloSent) {
            sendHello();
        }
        establishIfComplete();
    }

    private void onHey() {
        if (established) {
            return; // an answer to nothing we need; harmless
        }
        if (!helloSent || heyReceived) {
            refuseHandshake("HEY without a HELLO to acknowledge");
            return;
        }
        heyReceived = true;
        establishIfComplete();
    }

    private void establishIfComplete() {
        if (remoteHello == null || !heyReceived || established || closed) {
            return;
        }
        if (!context.registry().register(this) && !replacesDuplicate()) {
            close(CloseReason.DUPLICATE_CONNECTION, null);
            return;
        }
        established = true;
        context.metrics().established(connection.direction());
        connections.info("peer {} {} {} established: node {} {} blockCount {}", connection.id(),
                connection.direction().label(), remoteHost, remoteHello.nodeId(), remoteHello.role(),
                remoteHello.blockCount());
        context.listener().established(this);
    }

    /**
     * Two nodes that dial each other at the same moment each end up with two connections. Both sides
     * keep the one opened by the node with the lower node id, so the same connection survives at both
     * ends (refusing "the second" instead could make each side drop a different one, leaving none).
     * A connection we have closed already ({@link #leaving}) gives way to a new one opened by the same side: a
     * tracker closes each registration once answered, and a member registering again before that connection's
     * end had reached us was refused as its duplicate (RegistrationTest failed so now and then). Only by the
     * same side: between connections opened by each side the rule above decides, as the other end decides,
     * whether or not we have closed ours. True if this connection is now the registered one: in the other's
     * place (closed now, or already), or alone (the other ended meanwhile).
     */
    private boolean replacesDuplicate() {
        PeerSession existing = context.registry().sameAs(this);
        if (existing == null) {
            return context.registry().register(this); // the other ended meanwhile
        }
        boolean sameOpener = existing.opener().equals(opener());
        boolean leavingAlready = existing.leaving && sameOpener;
        if (!leavingAlready && (sameOpener || opener().compareTo(existing.opener()) > 0)) {
            return false;
        }
        if (!context.registry().replace(existing, this)) {
            return false;
        }
        if (!leavingAlready) {
            // close through the transport, not the other session's lock: two sessions must never lock each other
            existing.connection().close(CloseReason.DUPLICATE_CONNECTION, null);
            context.metrics().closed(CloseReason.DUPLICATE_CONNECTION);
        }
        return true;
    }

    /** The node id of the side that opened this connection. */
    private String opener() {
        return connection.direction() == Direction.OUTBOUND ? context.local().nodeId() : remoteHello.nodeId();
    }

    private void sendHello() {
        helloSent = true;
        sentHello = context.local().hello();
        send(sentHello);
    }

    private void refuseHandshake(String detail) {
        context.metrics().rejected(CloseReason.HANDSHAKE_REQUIRED.label());
        log.info("peer {} {}: {}", connection.id(), remoteHost, detail);
        close(CloseReason.HANDSHAKE_REQUIRED, null);
    }

    /**
     * A refused frame: counted, logged, charged to the host (its score outlives this connection, so
     * reconnecting does not start afresh); past the threshold the peer is dropped and banned.
     */
    private void reject(String reason, String detail) {
        context.metrics().rejected(reason);
        int penalty = context.properties().rejectionPenalty();
        misbehaviour += penalty;
        int score = context.bans().charge(remoteHost, penalty);
        log.info("peer {} {}: rejected frame: {} ({}), misbehaviour {} on this connection, {} for the host",
                connection.id(), remoteHost, reason, detail, misbehaviour, score);
        if (score >= context.properties().misbehaviourThreshold()) {
            context.bans().ban(remoteHost, reason);
            context.metrics().banned();
            log.warn("peer {} {}: banned for {} after misbehaviour ({})", connection.id(), remoteHost,
                    context.properties().banDuration(), reason);
            close(CloseReason.MISBEHAVIOUR, CloseReason.misbehaviourText(reason));
        }
    }

    public boolean isEstablished() {
        return established;
    }

    /** Our HELLO on this connection, once sent (null before). */
    public HelloMessage sentHello() {
        return sentHello;
    }

    /** The peer's HELLO, once received (null before). */
    public HelloMessage remoteHello() {
        return remoteHello;
    }

    public String remoteHost() {
        return remoteHost;
    }

    public PeerConnection connection() {
        return connection;
    }

    /** Misbehaviour points charged on this connection (the host's score, across connections, is in {@link BanList}). */
    public int misbehaviour() {
        return misbehaviour;
    }

    /** The remote IP as text, without an IPv6 zone (it is not valid in an ADDR host). */
    static String hostOf(PeerConnection connection) {
        return hostOf(connection.remoteAddress());
    }

    /** The IP of {@code address} as text, without an IPv6 zone: the key of bans. */
    public static String hostOf(java.net.InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        int zone = host.indexOf('%');
        return zone < 0 ? host : host.substring(0, zone);
    }
}
