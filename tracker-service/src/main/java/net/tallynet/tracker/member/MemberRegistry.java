package net.tallynet.tracker.member;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import net.tallynet.p2p.BoundedMaps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Registration and the ADDR sample (PROTOCOL.md 7.2, steps 2 and 3). */
@Service
public class MemberRegistry {
    private static final Logger log = LoggerFactory.getLogger(MemberRegistry.class);

    private final MemberRepository members;
    private final MembersProperties properties;
    private final MemberMetrics metrics;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final Map<String, Bucket> registrationRates;
    private final Map<String, Boolean> refusalsLogged;
    private final MemberLimits limits;
    private final ActiveMembers active = new ActiveMembers();
    private final TransactionTemplate transaction;
    /**
     * Registrations (shared) against a reload of the index from the database (exclusive): a reload
     * replaces the index with what the database holds, so a registration committed just after its query
     * would be lost from the index (and ADDR answers, and the live gauge) until the next round. Held
     * across each registration's commit; fair, so a stream of registrations cannot starve the reload.
     */
    private final ReentrantReadWriteLock indexLock = new ReentrantReadWriteLock(true);

    public MemberRegistry(MemberRepository members, MembersProperties properties, MemberMetrics metrics, Clock clock,
                          ApplicationEventPublisher events, TransactionTemplate transaction) {
        this.transaction = transaction;
        this.members = members;
        this.properties = properties;
        this.metrics = metrics;
        this.clock = clock;
        this.events = events;
        // least recently used hosts are forgotten first: the map cannot grow past trackedHosts
        this.registrationRates = BoundedMaps.evictingEldest(properties.trackedHosts(), true);
        // by insertion: a host that keeps being refused is logged again once as many others were
        this.refusalsLogged = BoundedMaps.evictingEldest(properties.trackedHosts(), false);
        this.limits = new MemberLimits(members, properties, active);
        metrics.activeFrom(active::size);
    }

    /** Active members now (the index ADDR answers come from). */
    public int activeCount() {
        return active.size();
    }

    /** Whether this host may register now; false means the registration is a flood and must be refused. */
    public boolean allowRegistration(String host) {
        synchronized (registrationRates) {
            return registrationRates.computeIfAbsent(host, h -> Bucket.builder()
                    .addLimit(Bandwidth.builder().capacity(properties.registrationBurst())
                            .refillGreedy(properties.registrationsPerMinute(), Duration.ofMinutes(1)).build())
                    .build()).tryConsume(1);
        }
    }

    /**
     * Records (or reactivates) the member at host:port. Returns false when a new address, or an
     * inactive one coming back, would break a cap of {@link MemberLimits}: the member still gets its
     * ADDR answer, it is just not handed out.
     */
    public boolean register(String host, int port, String nodeId, Long height) {
        indexLock.readLock().lock();
        try {
            return Boolean.TRUE.equals(transaction.execute(status -> record(host, port, nodeId, height)));
        } finally {
            indexLock.readLock().unlock();
        }
    }

    private boolean record(String host, int port, String nodeId, Long height) {
        var now = clock.instant();
        var existing = members.findByHostAndPort(host, port);
        boolean wasInactive = existing.isPresent() && existing.get().status() == MemberStatus.INACTIVE;
        var entry = new ActiveMembers.ActiveMember(host, port, now.toEpochMilli());
        if (existing.isEmpty() || wasInactive) {
            var refused = limits.admit(entry); // counted in the index from here: the caps see it at once
            if (refused.isPresent()) {
                refuse(host, port, refused.get());
                return false;
            }
        } else {
            active.put(entry);
        }
        if (existing.isPresent()) {
            existing.get().reactivate(nodeId, height, now);
            metrics.registered(wasInactive ? "reactivated" : "renewed");
            if (wasInactive) {
                log.debug("member {}:{} ({}) registered again: active", host, port, nodeId);
            }
            events.publishEvent(new MembersChanged());
            return true;
        }
        limits.makeRoom();
        members.save(new Member(host, port, nodeId, height, now));
        metrics.registered("new");
        log.debug("member {}:{} ({}) registered", host, port, nodeId); // RegistrationSummary logs them together
        events.publishEvent(new MembersChanged());
        return true;
    }

    private void refuse(String host, int port, MemberLimits.Refused refused) {
        metrics.registered(refused.reason().label());
        boolean first;
        synchronized (refusalsLogged) {
            first = refusalsLogged.put(host, Boolean.TRUE) == null;
        }
        // once per host: a host retrying every few seconds would otherwise write a line each time
        if (first) {
            log.warn("not recording member {}:{}: {} (limit {}); further refusals of {} are not logged", host, port,
                    refused.reason().label(), refused.limit(), host);
        }
    }

    /** Up to {@code addrSampleSize} random active members other than host:port. */
    public List<ActiveMembers.ActiveMember> sampleFor(String host, int port) {
        return active.sample(host, port, properties.addrSampleSize());
    }

    /** Reloads the ADDR index from the database (after a check round changed statuses, and at start). */
    public void reloadActive() {
        indexLock.writeLock().lock();
        try {
            active.replaceAll(members.activeMembers());
        } finally {
            indexLock.writeLock().unlock();
        }
    }

    /**
     * At start, before the first check round: the index counts against {@code max} (MemberLimits) and
     * feeds ADDR answers, so members registered before a restart must be in it from the first moment.
     */
    @EventListener(ApplicationStartedEvent.class)
    public void loadActiveAtStart() {
        reloadActive();
    }
}
