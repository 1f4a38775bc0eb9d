package net.tallynet.tracker.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import net.tallynet.p2p.PeriodicTask;
import net.tallynet.p2p.http.EventStream;
import net.tallynet.tracker.member.Member;
import net.tallynet.tracker.member.MemberRepository;
import net.tallynet.tracker.member.MemberStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Component;

/**
 * The network map's data: the active members, and the links between them learned by asking each
 * one for its peers. Polling runs on its own thread, apart from checks and registration, and only
 * while someone looks (an {@code /api/network} request or an event stream within
 * {@code idleAfter}): an unwatched tracker sends no one anything for it. A {@code network} event
 * tells the event streams when the links or the set of members changed.
 */
@Component
public class NetworkMap extends PeriodicTask {
    private static final Logger log = LoggerFactory.getLogger(NetworkMap.class);
    private static final long NEVER = Long.MIN_VALUE;

    private final MemberRepository members;
    private final PeerLists peerLists;
    private final EventStream events;
    private final DashboardProperties properties;
    private final Clock clock;
    private final AtomicLong lastInterest = new AtomicLong(NEVER);
    private volatile Polled polled = new Polled(Set.of(), List.of(), null);

    /** What the last poll saw: the members it asked and the links they showed. */
    private record Polled(Set<String> nodeIds, List<NetworkView.Link> links, Instant at) {
    }

    public NetworkMap(MemberRepository members, PeerLists peerLists, EventStream events,
                      DashboardProperties properties, Clock clock) {
        super("network-map");
        this.members = members;
        this.peerLists = peerLists;
        this.events = events;
        this.properties = properties;
        this.clock = clock;
    }

    /** Someone looks: keep polling; after a quiet spell, poll at once instead of at the next period. */
    public void interest() {
        long now = System.nanoTime();
        long before = lastInterest.getAndSet(now);
        if (before == NEVER || now - before > properties.idleAfter().toNanos()) {
            later(this::poll, Duration.ZERO);
        }
    }

    /** The active members now, with the links of the last poll between those still active. */
    public NetworkView view() {
        interest();
        List<NetworkView.Node> nodes = activeMembers().stream()
                .map(m -> new NetworkView.Node(m.nodeId(), m.host(), m.port(), m.height(), m.status().label()))
                .toList();
        Set<String> ids = nodes.stream().map(NetworkView.Node::nodeId).collect(Collectors.toSet());
        Polled last = polled;
        List<NetworkView.Link> links = last.links().stream()
                .filter(l -> ids.contains(l.from()) && ids.contains(l.to())).toList();
        return new NetworkView(nodes, links, last.at());
    }

    private boolean watched() {
        long last = lastInterest.get();
        return events.subscribers() > 0
                || (last != NEVER && System.nanoTime() - last <= properties.idleAfter().toNanos());
    }

    @Override
    protected void tick() {
        if (watched()) {
            poll();
        }
    }

    /** Asks every active member for its peers, a bounded number at once, and keeps the links between members. */
    void poll() {
        List<Member> active = activeMembers();
        Set<String> known = active.stream().map(Member::nodeId).collect(Collectors.toSet());
        Set<NetworkView.Link> found = ConcurrentHashMap.newKeySet();
        Semaphore inFlight = new Semaphore(properties.pollConcurrency());
        List<CompletableFuture<Void>> pending = new ArrayList<>(active.size());
        for (Member member : active) {
            inFlight.acquireUninterruptibly();
            pending.add(peerLists.peersOf(member.host(), member.port()).handle((peers, error) -> {
                inFlight.release();
                if (peers != null) {
                    for (String peer : peers) {
                        // only members: the tracker itself and strangers a member names are not on the map
                        if (known.contains(peer) && !peer.equals(member.nodeId())) {
                            found.add(NetworkView.Link.between(member.nodeId(), peer));
                        }
                    }
                }
                return null;
            }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        List<NetworkView.Link> links = found.stream().sorted().toList();
        Polled before = polled;
        polled = new Polled(Set.copyOf(known), links, clock.instant());
        if (!before.links().equals(links) || !before.nodeIds().equals(known)) {
            log.debug("network map: {} members, {} links", known.size(), links.size());
            events.publish("network", Map.of("nodes", known.size(), "links", links.size()));
        }
    }

    private List<Member> activeMembers() {
        return members.findByStatusOrderByIdAsc(MemberStatus.ACTIVE.name(), PageRequest.of(0, properties.maxNodes()))
                .stream().filter(m -> Objects.nonNull(m.nodeId())).toList();
    }

    @Override
    protected boolean enabled() {
        return true;
    }

    @Override
    protected Duration firstDelay() {
        return properties.pollInterval();
    }

    @Override
    protected Duration period() {
        return properties.pollInterval();
    }
}
