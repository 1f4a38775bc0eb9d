package net.tallynet.node.network;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.p2p.PeerSession;
import net.tallynet.p2p.PeriodicTask;
import net.tallynet.p2p.http.HttpApiConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketSession;

/**
 * Keeps up to {@code tallynet.peers.max-outbound} outbound connections, dialling seeds and the
 * address book; an address that failed waits longer each time before it is tried again.
 */
@Component
class PeerManager extends PeriodicTask {
    private static final Logger log = LoggerFactory.getLogger(PeerManager.class);

    private final OutboundProperties properties;
    private final AddressBook addresses;
    private final PeerConnector connector;
    private final PeerRegistry peers;
    private final NodeIdentity identity;
    private final NodeNetworkProperties network;
    private final Map<String, CompletableFuture<WebSocketSession>> dialled = new ConcurrentHashMap<>();
    private final Map<String, Long> retryAfter = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();

    PeerManager(OutboundProperties properties, AddressBook addresses, PeerConnector connector, PeerRegistry peers,
                NodeIdentity identity, NodeNetworkProperties network) {
        super("peer-manager");
        this.properties = properties;
        this.addresses = addresses;
        this.connector = connector;
        this.peers = peers;
        this.identity = identity;
        this.network = network;
    }

    void fill() {
        dialled.values().removeIf(f -> f.isDone() && (f.isCompletedExceptionally() || !f.join().isOpen()));
        // every connection we opened counts until it is closed, handshaken or not: a listener that
        // accepts and then says nothing must not make us dial without limit
        long wanted = properties.maxOutbound() - dialled.size();
        if (wanted <= 0) {
            return;
        }
        List<String> candidates = new ArrayList<>(properties.seeds());
        candidates.addAll(addresses.dialCandidates(100));
        long now = System.currentTimeMillis();
        for (String address : candidates) {
            if (wanted <= 0) {
                break;
            }
            if (isSelf(address) || dialled.containsKey(address) || retryAfter.getOrDefault(address, 0L) > now
                    || connectedTo(address)) {
                continue;
            }
            wanted--;
            dial(address);
        }
    }

    /** One attempt; whatever goes wrong with it (even a URI that does not parse) only marks this address failed. */
    private void dial(String address) {
        CompletableFuture<WebSocketSession> attempt;
        try {
            attempt = connector.connect(URI.create("ws://" + uriHost(address) + HttpApiConfiguration.P2P_PATH));
        } catch (RuntimeException e) {
            failed(address, e);
            return;
        }
        dialled.put(address, attempt.whenComplete((session, error) -> {
            if (error == null) {
                failures.remove(address);
                addresses.succeeded(address);
            } else {
                failed(address, error);
            }
        }));
    }

    private void failed(String address, Throwable error) {
        addresses.failed(address);
        int failed = failures.merge(address, 1, Integer::sum);
        long wait = Math.min(300_000L, 1000L << Math.min(failed, 8));
        retryAfter.put(address, System.currentTimeMillis() + wait);
        log.debug("peer {} unreachable ({}), next try in {} ms", address, error.getMessage(), wait);
    }

    private boolean connectedTo(String address) {
        for (PeerSession peer : peers.established()) {
            if ((peer.remoteHost() + ":" + peer.remoteHello().port()).equals(address)) {
                return true;
            }
        }
        return false;
    }

    /** Our own advertised address (when configured) is never dialled; the handshake refuses the rest (nodeId). */
    private boolean isSelf(String address) {
        return network.advertisedHost() != null
                && address.equals(network.advertisedHost() + ":" + identity.advertisedPort());
    }

    private static String uriHost(String address) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + address.substring(colon);
    }

    @Override
    protected boolean enabled() {
        return properties.maxOutbound() > 0;
    }

    /** A random first delay keeps nodes started together from dialling each other at the same instant. */
    @Override
    protected Duration firstDelay() {
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
