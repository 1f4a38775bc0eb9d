package net.tallynet.node.network;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import net.tallynet.p2p.Direction;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.p2p.PeerSession;
import net.tallynet.p2p.PeriodicTask;
import net.tallynet.p2p.http.HttpApiConfiguration;
import net.tallynet.protocol.message.HelloMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketSession;

/**
 * Keeps up to {@code tallynet.peers.max-outbound} outbound connections: after a restart the anchors
 * first, then the configured seeds, then addresses the book selects, at most
 * {@code max-outbound-per-netgroup} of them in one netgroup. Now and then a feeler tests an address
 * the book has only heard of. An address that failed waits longer each time before it is dialled again.
 */
@Component
class PeerManager extends PeriodicTask {
    private static final Logger log = LoggerFactory.getLogger(PeerManager.class);
    /** Selections per round before giving up on filling the missing slots (all taken, in back-off or crowded). */
    private static final int SELECTIONS_PER_ROUND = 100;

    private final OutboundProperties properties;
    private final AddressBook addresses;
    private final PeerConnector connector;
    private final PeerRegistry peers;
    private final NodeIdentity identity;
    private final NodeNetworkProperties network;
    private final Feelers feelers;
    private final Map<String, CompletableFuture<WebSocketSession>> dialled = new ConcurrentHashMap<>();
    private final Map<String, Long> retryAfter = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private boolean anchorsDialled;
    private List<String> recordedAnchors = List.of();
    private long nextFeelerAt;

    PeerManager(OutboundProperties properties, AddressBook addresses, PeerConnector connector, PeerRegistry peers,
                NodeIdentity identity, NodeNetworkProperties network, Feelers feelers) {
        super("peer-manager");
        this.properties = properties;
        this.addresses = addresses;
        this.connector = connector;
        this.peers = peers;
        this.identity = identity;
        this.network = network;
        this.feelers = feelers;
        this.nextFeelerAt = System.currentTimeMillis() + nextFeelerDelay();
    }

    synchronized void fill() {
        dialled.values().removeIf(PeerManager::ended);
        feelers.prune();
        long now = System.currentTimeMillis();
        if (!anchorsDialled && !properties.seedsOnly()) {
            anchorsDialled = true;
            addresses.anchors().stream().limit(properties.anchors()).filter(a -> dialable(a, now)).forEach(this::dial);
        }
        // every connection we opened counts until it is closed, handshaken or not: a listener that
        // accepts and then says nothing must not make us dial without limit
        long wanted = properties.maxOutbound() - dialled.size();
        for (String seed : properties.seeds()) {
            if (wanted > 0 && dialable(seed, now)) {
                wanted--;
                dial(seed);
            }
        }
        if (properties.seedsOnly()) {
            return;
        }
        Map<String, Integer> perNetgroup = outboundNetgroups();
        for (int i = 0; i < SELECTIONS_PER_ROUND && wanted > 0; i++) {
            String address = addresses.select();
            if (address == null) {
                break;
            }
            String group = AddressTables.netgroup(hostOf(address));
            if (dialable(address, now) && perNetgroup.getOrDefault(group, 0) < properties.maxOutboundPerNetgroup()) {
                perNetgroup.merge(group, 1, Integer::sum);
                wanted--;
                dial(address);
            }
        }
        feel(now);
        recordAnchors();
    }

    /** Outbound connections by netgroup, the operator's seeds aside. */
    private Map<String, Integer> outboundNetgroups() {
        Map<String, Integer> groups = new HashMap<>();
        for (String address : dialled.keySet()) {
            if (!properties.seeds().contains(address)) {
                groups.merge(AddressTables.netgroup(hostOf(address)), 1, Integer::sum);
            }
        }
        return groups;
    }

    private boolean dialable(String address, long now) {
        return !isSelf(address) && !dialled.containsKey(address) && !feelers.contains(address)
                && retryAfter.getOrDefault(address, 0L) <= now && !connectedTo(address);
    }

    /** One attempt; whatever goes wrong with it (even a URI that does not parse) only marks this address failed. */
    private void dial(String address) {
        addresses.attempt(address);
        CompletableFuture<WebSocketSession> attempt;
        try {
            attempt = connector.connect(uri(address));
        } catch (RuntimeException e) {
            failed(address, e);
            return;
        }
        dialled.put(address, attempt.whenComplete((session, error) -> {
            if (error == null) {
                failures.remove(address);
            } else {
                failed(address, error);
            }
        }));
    }

    /** A feeler, at random intervals of the configured mean: one address tested, closed after its handshake. */
    private void feel(long now) {
        if (properties.feelerInterval().isZero() || now < nextFeelerAt) {
            return;
        }
        nextFeelerAt = now + nextFeelerDelay();
        String target = addresses.feelerTarget();
        if (target == null || !dialable(target, now)) {
            return;
        }
        addresses.attempt(target);
        // known as a feeler before the dial starts, so a handshake however quick is never taken for a peer
        CompletableFuture<WebSocketSession> placeholder = new CompletableFuture<>();
        feelers.dialling(target, placeholder);
        try {
            feelers.dialling(target, connector.connect(uri(target)).whenComplete((session, error) -> {
                if (error != null) {
                    addresses.failed(target);
                }
            }));
        } catch (RuntimeException e) {
            addresses.failed(target);
            placeholder.completeExceptionally(e);
        }
    }

    /** The longest-held outbound node peers become the anchors a restart dials first. */
    private void recordAnchors() {
        if (properties.anchors() == 0) {
            return;
        }
        List<String> current = peers.established().stream()
                .filter(peer -> peer.connection().direction() == Direction.OUTBOUND
                        && HelloMessage.ROLE_NODE.equals(peer.remoteHello().role()))
                .sorted(Comparator.comparingLong(PeerSession::connectedAt))
                .map(PeerManager::dialledAddress).filter(dialled::containsKey)
                .limit(properties.anchors()).toList();
        if (!current.isEmpty() && !current.equals(recordedAnchors)) {
            addresses.recordAnchors(current);
            recordedAnchors = current;
        }
    }

    private void failed(String address, Throwable error) {
        addresses.failed(address);
        int failed = failures.merge(address, 1, Integer::sum);
        // 2 s, 4 s, ... 256 s, then 5 minutes (by default)
        long wait = Math.min(properties.maxRetryDelay().toMillis(), 1000L << Math.min(failed, 9));
        retryAfter.put(address, System.currentTimeMillis() + wait);
        log.debug("peer {} unreachable ({}), next try in {} ms", address, error.getMessage(), wait);
    }

    private boolean connectedTo(String address) {
        for (PeerSession peer : peers.established()) {
            if (KnownAddress.key(peer.remoteHost(), peer.remoteHello().port()).equals(address)) {
                return true;
            }
        }
        return false;
    }

    /** Our own advertised address (when configured) is never dialled; the handshake refuses the rest (nodeId). */
    private boolean isSelf(String address) {
        return network.advertisedHost() != null
                && address.equals(KnownAddress.key(network.advertisedHost(), identity.advertisedPort()));
    }

    private long nextFeelerDelay() {
        double mean = properties.feelerInterval().toMillis();
        return (long) (-Math.log(1 - ThreadLocalRandom.current().nextDouble()) * mean);
    }

    /** The {@code host:port} we dialled for an outbound peer, spelled as the address book keys it. */
    static String dialledAddress(PeerSession peer) {
        InetSocketAddress remote = peer.connection().remoteAddress();
        return KnownAddress.key(PeerSession.hostOf(remote), remote.getPort());
    }

    static boolean ended(CompletableFuture<WebSocketSession> attempt) {
        return attempt.isDone() && (attempt.isCompletedExceptionally() || !attempt.join().isOpen());
    }

    private static URI uri(String address) {
        String host = hostOf(address);
        return URI.create("ws://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
                + address.substring(address.lastIndexOf(':')) + HttpApiConfiguration.P2P_PATH);
    }

    private static String hostOf(String address) {
        return address.substring(0, address.lastIndexOf(':'));
    }

    @Override
    protected boolean enabled() {
        return properties.maxOutbound() > 0;
    }

    /**
     * A node given seeds dials them at start: a new member's sync (and a restarted node's return) should not
     * wait. Without seeds, a random first delay keeps nodes started together from dialling each other at the
     * same instant; two that still do keep one connection (PeerSession.replacesDuplicate).
     */
    @Override
    protected Duration firstDelay() {
        if (!properties.seeds().isEmpty()) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(properties.connectInterval().toMillis() / 2 + 1));
    }

    @Override
    protected Duration period() {
        return properties.connectInterval();
    }

    @Override
    protected void tick() {
        fill();
    }
}
