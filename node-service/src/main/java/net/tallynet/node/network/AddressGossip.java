package net.tallynet.node.network;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import net.tallynet.p2p.BoundedMaps;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.p2p.PeerSession;
import net.tallynet.p2p.PeriodicTask;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.AddressEntry;
import net.tallynet.protocol.message.HelloMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Address gossip (PROTOCOL.md 7.6). On a jittered timer the node sends ADDR with its own advertised
 * address to its node peers (only an address it was given: it never guesses one). Addresses it did
 * not know are relayed to {@link #RELAY_FANOUT} random peers, not flooded, and only from small ADDR
 * messages (gossip, not a bulk GETADDR answer), so an address spreads once and then stops. Incoming
 * addresses are rate-limited per peer; the excess is dropped, not charged (an honest tracker answer
 * can be large).
 */
@Component
class AddressGossip extends PeriodicTask {
    private static final Logger log = LoggerFactory.getLogger(AddressGossip.class);
    static final int RELAY_FANOUT = 2;
    /** ADDR messages with more entries than this are answers to GETADDR: learned, never relayed. */
    static final int MAX_RELAYED_ENTRIES = 10;
    /** Per peer: a burst of 1000 addresses (one full ADDR), then 10 a second. */
    static final int ADDRESS_BURST = 1000;
    static final int ADDRESSES_PER_SECOND = 10;
    /** Hosts whose allowance is remembered; the least recently heard is forgotten first. */
    static final int TRACKED_HOSTS = 1024;

    private final AddressBook addresses;
    private final PeerRegistry peers;
    private final NodeIdentity identity;
    private final NodeNetworkProperties network;
    private final OutboundProperties properties;
    /** Per host, not per connection: reconnecting does not buy a fresh allowance (security review item 13). */
    private final Map<String, Bucket> budgets = BoundedMaps.evictingEldest(TRACKED_HOSTS, true);
    private final Map<AddressDrop, Counter> dropped = new EnumMap<>(AddressDrop.class);
    /** Peers and trackers we sent GETADDR and whose answer has not come: an answer is learned, never relayed. */
    private final Set<PeerSession> asked = ConcurrentHashMap.newKeySet();
    private final Counter relayed;

    AddressGossip(AddressBook addresses, PeerRegistry peers, NodeIdentity identity, NodeNetworkProperties network,
                  OutboundProperties properties, MeterRegistry meters) {
        super("address-gossip");
        this.addresses = addresses;
        this.peers = peers;
        this.identity = identity;
        this.network = network;
        this.properties = properties;
        for (AddressDrop reason : AddressDrop.values()) {
            dropped.put(reason, Counter.builder("tallynet.addresses.dropped").tag("reason", reason.label())
                    .description("Received addresses not learned, by reason").register(meters));
        }
        this.relayed = Counter.builder("tallynet.addresses.relayed")
                .description("New addresses relayed onward (each counted once per peer it went to)").register(meters);
    }

    /** ADDR from a tracker or peer: learn what the rate allows, relay what was new. */
    /** We sent {@code peer} GETADDR: its next ADDR is the answer, however short. */
    void asked(PeerSession peer) {
        asked.add(peer);
    }

    void closed(PeerSession peer) {
        asked.remove(peer);
    }

    void received(PeerSession from, List<AddressEntry> entries) {
        boolean answer = asked.remove(from);
        int allowed;
        synchronized (budgets) {
            Bucket budget = budgets.computeIfAbsent(from.remoteHost(), host -> Bucket.builder().addLimit(Bandwidth.builder()
                    .capacity(ADDRESS_BURST).refillGreedy(ADDRESSES_PER_SECOND, Duration.ofSeconds(1)).build()).build());
            allowed = (int) Math.min(entries.size(), Math.max(0, budget.getAvailableTokens()));
            if (allowed > 0) {
                budget.tryConsume(allowed);
            }
        }
        if (allowed < entries.size()) {
            dropped.get(AddressDrop.RATE_LIMITED).increment(entries.size() - allowed);
        }
        List<AddressEntry> fresh = addresses.learn(from.remoteHost(), withoutSelf(ipLiterals(from, entries.subList(0, allowed))));
        if (fresh.isEmpty()) {
            return;
        }
        log.info("learned {} new addresses from {} {} ({} known)", fresh.size(), from.remoteHello().role(),
                from.remoteHost(), addresses.size());
        if (!answer && entries.size() <= MAX_RELAYED_ENTRIES) {
            relay(fresh, from);
        }
    }

    /** Sends ADDR with our own address to every node peer; nothing if no advertised host is configured. */
    void advertise() {
        if (network.advertisedHost() == null) {
            return;
        }
        AddrMessage own = new AddrMessage(List.of(
                new AddressEntry(network.advertisedHost(), identity.advertisedPort(), System.currentTimeMillis())));
        for (PeerSession peer : nodePeers(null)) {
            peer.send(own);
        }
    }

    private void relay(List<AddressEntry> fresh, PeerSession from) {
        List<PeerSession> targets = nodePeers(from);
        Collections.shuffle(targets);
        for (PeerSession peer : targets.subList(0, Math.min(RELAY_FANOUT, targets.size()))) {
            peer.send(new AddrMessage(fresh));
            relayed.increment(fresh.size());
        }
    }

    /** Host names from peers are dropped, not charged: an honest node may advertise one (containers). */
    private List<AddressEntry> ipLiterals(PeerSession from, List<AddressEntry> entries) {
        List<AddressEntry> literals = new ArrayList<>(entries.size());
        for (AddressEntry entry : entries) {
            if (entry.isIpLiteral()) {
                literals.add(entry);
            }
        }
        int names = entries.size() - literals.size();
        if (names > 0) {
            dropped.get(AddressDrop.NOT_AN_IP_LITERAL).increment(names);
            log.debug("dropped {} addresses from {}: {}", names, from.remoteHost(), AddressDrop.NOT_AN_IP_LITERAL.label());
        }
        return literals;
    }

    private List<AddressEntry> withoutSelf(List<AddressEntry> entries) {
        String host = network.advertisedHost();
        if (host == null) {
            return entries;
        }
        List<AddressEntry> others = new ArrayList<>(entries.size());
        for (AddressEntry entry : entries) {
            if (!(entry.host().equals(host) && entry.port() == identity.advertisedPort())) {
                others.add(entry);
            }
        }
        return others;
    }

    private List<PeerSession> nodePeers(PeerSession except) {
        List<PeerSession> nodes = new ArrayList<>();
        for (PeerSession peer : peers.established()) {
            if (peer != except && HelloMessage.ROLE_NODE.equals(peer.remoteHello().role())) {
                nodes.add(peer);
            }
        }
        return nodes;
    }

    @Override
    protected boolean enabled() {
        return true;
    }

    @Override
    protected Duration firstDelay() {
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(period().toMillis() + 1));
    }

    @Override
    protected Duration period() {
        return properties.advertiseInterval();
    }

    /** Each round waits a random extra of up to a third of the interval, so nodes do not advertise in step. */
    @Override
    protected Duration nextDelay() {
        long interval = period().toMillis();
        return Duration.ofMillis(interval + ThreadLocalRandom.current().nextLong(interval / 3 + 1));
    }

    @Override
    protected void tick() {
        advertise();
    }
}
