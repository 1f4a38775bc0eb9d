package net.tallynet.p2p;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Peer-layer limits ({@code tallynet.peers.*}), shared by tracker and node.
 *
 * @param handshakeTimeout      a connection that has not completed HELLO/HEY by then is closed
 * @param rejectionPenalty      misbehaviour points charged per rejected frame
 * @param misbehaviourThreshold points at which the peer is disconnected and banned
 * @param banDuration           how long a banned address is refused
 * @param maxBannedAddresses    bound on the ban list (oldest bans are forgotten first)
 * @param messagesPerSecond     sustained inbound messages per connection; beyond the burst the peer is dropped
 * @param messageBurst          inbound messages a connection may send at once
 * @param sendBufferBytes       outbound bytes queued per connection (not yet written) past which the peer is a slow
 *                              reader and closed; at least one frame of the largest size. Reading the peer's next
 *                              frame waits while more than this less the frame limit is queued, so its own
 *                              requests never overflow it. Default 5 MiB: one 4 MiB frame plus 1 MiB for what is
 *                              sent unasked (announcements, relays, pings); at 16 MiB, 72 peers that stop reading
 *                              could hold more than the heap (security review item 19)
 * @param sendTimeLimit         longest the writing of one frame may take before the peer counts as a slow reader
 * @param maxInbound            inbound connections accepted at once
 * @param maxFrameBytes         largest frame accepted (PROTOCOL.md 2); a tracker, serving only small methods, uses less
 * @param pingInterval          how often a WebSocket ping goes to every connection (keep-alive)
 * @param pingTimeout           a connection from which nothing (frame or pong) arrived for this long is dead and closed
 * @param bytesPerSecond        sustained inbound frame bytes per connection; a frame beyond the budget is rejected and charged
 * @param receiveBufferBytes    the WebSocket container's text buffer, allocated per connection: larger frames are
 *                              assembled from parts up to {@code maxFrameBytes}, so idle connections stay cheap
 * @param misbehaviourMemory    a host's misbehaviour score, kept across its connections, is forgotten after this long
 *                              without a new charge
 * @param byteBurst             inbound frame bytes a connection may send at once (at least one frame of the largest size)
 * @param maxAssemblingBytes    what the frames all peers are sending in parts (those over the receive buffer) may hold
 *                              together, counted by the capacity allocated for them; a part that does not fit waits,
 *                              unread, until room comes free or its frame time limit passes (then the peer is closed,
 *                              memory_budget). Default 32 MiB: eight frames of the largest size at once, where 72
 *                              peers could otherwise hold 288 MiB
 * @param frameTimeLimit        a frame arriving in parts must be complete within this, or the peer is closed
 *                              (slow_frame): a peer trickling a large frame cannot hold its share for ever
 * @param maxSendBytes          what all peers' send queues may hold together before a large answer (64 KiB or more:
 *                              BLOCK, PUSHTRANSACTION, LISTOFBLOCKS) is dropped unsent instead of queued
 *                              (tallynet_frames_unsent_total); small frames, announcements and our requests always go. Default 64 MiB, where 72 peers
 *                              asking for large answers and reading none could otherwise hold 72 × send-buffer-bytes
 * @param closeGrace            how long after our close frame the socket is closed at the latest; after a close for
 *                              something the peer did nothing more is read from it (the container's own wait for the
 *                              peer's close frame, 30 s checked every 10 s, read and discarded all a dropped flooder
 *                              sent meanwhile: 40 of them filled both cores); an orderly close ends at the peer's
 *                              close frame
 * @param workThreads           peers' frames handled at once, whatever the number of peers (the others wait, unread,
 *                              so TCP slows their senders); 0, the default, means one fewer than the processors, at
 *                              least one: peers' work never takes every core, and REST, health checks, the miner and
 *                              the collector keep one however hard peers press (README "Flood")
 * @param socketBufferCache     closed connections whose socket buffers (8 KiB in, 8 KiB out) the P2P port keeps for
 *                              the next connection to reuse. Tomcat's own default keeps none unless the heap may pass 2 GiB, so
 *                              every connection allocated them anew: in a tracker's registration wave, with the
 *                              WebSocket buffers, a connection's short life allocated about 60 KiB (issue 19, an
 *                              allocation profile). At most this many × 16 KiB stays allocated (2 MiB by default)
 */
@ConfigurationProperties("tallynet.peers")
public record P2pProperties(
        @DefaultValue("10s") Duration handshakeTimeout,
        @DefaultValue("10") int rejectionPenalty,
        @DefaultValue("100") int misbehaviourThreshold,
        @DefaultValue("1h") Duration banDuration,
        @DefaultValue("10000") int maxBannedAddresses,
        @DefaultValue("200") int messagesPerSecond,
        @DefaultValue("400") int messageBurst,
        @DefaultValue("5242880") int sendBufferBytes,
        @DefaultValue("10s") Duration sendTimeLimit,
        @DefaultValue("64") int maxInbound,
        @DefaultValue("4194304") int maxFrameBytes,
        @DefaultValue("15s") Duration pingInterval,
        @DefaultValue("45s") Duration pingTimeout,
        @DefaultValue("16777216") int bytesPerSecond,
        @DefaultValue("33554432") int byteBurst,
        @DefaultValue("16384") int receiveBufferBytes,
        @DefaultValue("1h") Duration misbehaviourMemory,
        @DefaultValue("1s") Duration closeGrace,
        @DefaultValue("33554432") long maxAssemblingBytes,
        @DefaultValue("60s") Duration frameTimeLimit,
        @DefaultValue("67108864") long maxSendBytes,
        @DefaultValue("0") int workThreads,
        @DefaultValue("128") int socketBufferCache) {

    public P2pProperties {
        if (rejectionPenalty < 1 || misbehaviourThreshold < rejectionPenalty || messagesPerSecond < 1
                || messageBurst < 1 || maxBannedAddresses < 1 || maxInbound < 0 || sendBufferBytes < maxFrameBytes || sendTimeLimit.toMillis() < 100
                || pingInterval.toMillis() < 10 || pingTimeout.compareTo(pingInterval) <= 0
                || bytesPerSecond < 1 || byteBurst < maxFrameBytes || receiveBufferBytes < 1024
                || closeGrace.toMillis() < 1 || maxAssemblingBytes < maxFrameBytes || frameTimeLimit.toMillis() < 100
                || maxSendBytes < sendBufferBytes || workThreads < 0 || socketBufferCache < 0) {
            throw new IllegalArgumentException("invalid tallynet.peers settings");
        }
    }

    /** The defaults, for code and tests that run without Spring binding. */
    public static P2pProperties defaults() {
        return new P2pProperties(Duration.ofSeconds(10), 10, 100, Duration.ofHours(1), 10_000, 200, 400,
                5 * 1024 * 1024, Duration.ofSeconds(10), 64, 4 * 1024 * 1024, Duration.ofSeconds(15),
                Duration.ofSeconds(45), 16 * 1024 * 1024, 32 * 1024 * 1024, 16 * 1024, Duration.ofHours(1),
                Duration.ofSeconds(1), 32L * 1024 * 1024, Duration.ofSeconds(60), 64L * 1024 * 1024, 0, 128);
    }

    /** {@link #workThreads()} with 0 worked out for this machine. */
    public int effectiveWorkThreads() {
        return workThreads > 0 ? workThreads : Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }
}
