package net.tallynet.node.network;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import net.tallynet.p2p.Direction;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.p2p.PeerSession;
import net.tallynet.p2p.PeriodicTask;
import net.tallynet.protocol.message.GetAddrMessage;
import net.tallynet.protocol.message.HelloMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketSession;

/**
 * Keeps the node registered with every tracker it is given: connects to each (registration follows
 * the handshake) and, every register interval, registers again: on a new connection, since a tracker
 * closes one once it has answered (PROTOCOL.md 7.2), or on the open one of a tracker that keeps it.
 * A tracker that is down only delays this for itself (retried at 1 s, doubling); the others serve,
 * and nothing waits on any of them.
 */
@Component
class TrackerRegistration extends PeriodicTask {
    private static final Logger log = LoggerFactory.getLogger(TrackerRegistration.class);

    private final TrackerProperties properties;
    private final PeerConnector connector;
    private final PeerRegistry peers;
    private final NodeIdentity identity;
    private final AddressGossip gossip;
    private final Map<URI, CompletableFuture<WebSocketSession>> connections = new ConcurrentHashMap<>();
    private final Map<URI, Integer> failures = new ConcurrentHashMap<>();

    TrackerRegistration(TrackerProperties properties, PeerConnector connector, PeerRegistry peers, NodeIdentity identity,
                        AddressGossip gossip) {
        super("tracker-registration");
        this.gossip = gossip;
        this.properties = properties;
        this.connector = connector;
        this.peers = peers;
        this.identity = identity;
    }

    @Override
    protected void tick() {
        for (PeerSession tracker : peers.established()) {
            if (isRegistration(tracker)) {
                gossip.asked(tracker);
                tracker.send(new GetAddrMessage(identity.advertisedPort()));
            }
        }
        for (URI url : properties.urls()) {
            connectIfClosed(url);
        }
    }

    private void connectIfClosed(URI url) {
        CompletableFuture<WebSocketSession> existing = connections.get(url);
        boolean open = existing != null && (!existing.isDone()
                || (!existing.isCompletedExceptionally() && existing.join().isOpen()));
        if (open) {
            return;
        }
        connections.put(url, connector.connectTracker(url).whenComplete((session, error) -> {
            if (error == null) {
                failures.remove(url);
                return;
            }
            // a tracker starting up, or down for a while: try again soon, then less and less often
            int failed = failures.merge(url, 1, Integer::sum);
            Duration retry = backoff(failed);
            log.info("tracker {} unreachable ({}); retrying in {}", url, error.getMessage(), retry);
            later(() -> connectIfClosed(url), retry);
        }));
    }

    /**
     * A connection we opened to a configured tracker: the only one registered on. An inbound peer that
     * claims "tracker" (a tracker's check, or anyone) is never sent GETADDR, so it cannot feed us ADDR.
     */
    static boolean isRegistration(PeerSession peer) {
        return peer.connection().direction() == Direction.OUTBOUND
                && HelloMessage.ROLE_TRACKER.equals(peer.remoteHello().role());
    }

    /** 1 s after the first failure, doubling, never longer than the register interval. */
    Duration backoff(int failedAttempts) {
        long millis = 1000L << Math.min(failedAttempts - 1, 20);
        return Duration.ofMillis(Math.min(millis, properties.registerInterval().toMillis()));
    }

    @Override
    protected boolean enabled() {
        return !properties.urls().isEmpty();
    }

    @Override
    protected Duration firstDelay() {
        return Duration.ZERO;
    }

    @Override
    protected Duration period() {
        return properties.registerInterval();
    }
}
