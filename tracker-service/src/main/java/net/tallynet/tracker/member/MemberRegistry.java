package net.tallynet.tracker.member;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import net.tallynet.p2p.BoundedMaps;
import net.tallynet.protocol.codec.AddrEncoding;
import net.tallynet.protocol.message.AddressEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
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
    private final RegistrationWriter writer;
    /**
     * Registrations (shared) against the end of a check round and a reload of the index from the database
     * (exclusive): a reload replaces the index with what the database holds, so a registration admitted to the
     * index but not yet committed would be lost from it (and ADDR answers, and the live gauge); a round's end
     * compares the two. Held from a registration's admission until it is queued for writing, and the exclusive
     * side writes the queue first; fair, so a stream of registrations cannot starve it.
     */
    private final ReentrantReadWriteLock indexLock = new ReentrantReadWriteLock(true);

    public MemberRegistry(MemberRepository members, MembersProperties properties, MemberMetrics metrics, Clock clock,
                          ApplicationEventPublisher events, JdbcTemplate jdbc) {
        // the batches are plain JDBC in plain JDBC transactions: a JPA transaction around each (a Hibernate session
        // opened, flushed and closed for nothing) was about 6% of the tracker's samples in a registration wave
        // (issue 19, a profile)
        this.writer = new RegistrationWriter(jdbc,
                new TransactionTemplate(new JdbcTransactionManager(Objects.requireNonNull(jdbc.getDataSource()))),
                properties.max());
        this.members = members;
        this.properties = properties;
        this.metrics = metrics;
        this.clock = clock;
        this.events = events;
        // least recently used hosts are forgotten first: the map cannot grow past trackedHosts
        this.registrationRates = BoundedMaps.evictingEldest(properties.trackedHosts(), true);
        // by insertion: a host that keeps being refused is logged again once as many others were
        this.refusalsLogged = BoundedMaps.evictingEldest(properties.trackedHosts(), false);
        this.limits = new MemberLimits(properties, active);
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
     * Records (or reactivates) the member at host:port. The future completes once it is committed (with true),
     * at once with false when a new address, or an inactive one coming back, would break a cap of
     * {@link MemberLimits} (the member still gets its ADDR answer, it is just not handed out), and fails when it
     * could not be stored. A connection answers from it, so its work thread is free meanwhile.
     */
    public CompletableFuture<Boolean> register(String host, int port, String nodeId, Long height) {
        var now = clock.instant();
        var registration = new RegistrationWriter.Registration(host, port, nodeId, height, now);
        var member = new ActiveMembers.ActiveMember(host, port, now.toEpochMilli());
        MemberLimits.Admission admission;
        CompletableFuture<RegistrationWriter.Written> written;
        // admitted and queued while the index is held shared: a reload flushes the queue first, so it cannot lose
        // the member
        indexLock.readLock().lock();
        try {
            admission = limits.admit(member); // counted in the index from here: the caps see it at once
            if (admission.refused() != null) {
                refuse(host, port, admission.refused());
                return CompletableFuture.completedFuture(false);
            }
            written = writer.submit(registration);
        } finally {
            indexLock.readLock().unlock();
        }
        return written.handle((change, failure) -> {
            if (failure != null) {
                notStored(member, admission);
                throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            }
            recorded(registration, admission, change);
            return true;
        });
    }

    /** A stored registration counted and announced; nothing here may fail it, as it is committed. */
    private void recorded(RegistrationWriter.Registration registration, MemberLimits.Admission admission,
                          RegistrationWriter.Written written) {
        try {
            metrics.registered(admission.renewal() ? "renewed"
                    : written == RegistrationWriter.Written.NEW ? "new" : "reactivated");
            // RegistrationSummary logs them together
            log.debug("member {}:{} ({}) registered", registration.host(), registration.port(), registration.nodeId());
            events.publishEvent(new MembersChanged());
        } catch (RuntimeException e) {
            log.warn("member {}:{} stored, but not counted or announced: {}", registration.host(), registration.port(),
                    e.toString());
        }
    }

    /**
     * A registration the writer could not store (logged there, once for its batch): counted, and a newcomer's
     * entry taken out of the index again, so it is neither handed out nor counted against the caps without a
     * row (unless a renewal or a reload has replaced that entry since). A renewal's entry stays: the member was
     * active before. Whatever still differs from the table is settled at the next round's end ({@link #deactivate}).
     */
    private void notStored(ActiveMembers.ActiveMember member, MemberLimits.Admission admission) {
        metrics.registered(MemberMetrics.FAILED);
        if (!admission.renewal()) {
            active.remove(member);
        }
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
    public List<AddressEntry> sampleFor(String host, int port) {
        return active.sample(host, port, properties.addrSampleSize());
    }

    /**
     * The ADDR frame answering host:port's GETADDR: {@link #sampleFor}'s entries, joined from the encodings the
     * index keeps, so no entry is written again for each answer.
     */
    public byte[] addrFrameFor(String host, int port) {
        return AddrEncoding.frame(active.sampleEncoded(host, port, properties.addrSampleSize()));
    }

    /** Members a check round found alive at {@code at}: their ADDR entries carry it from now on. */
    public void seen(List<MemberAddress> alive, Instant at) {
        active.renewAll(alive, at.toEpochMilli());
    }

    /**
     * The end of a check round: runs {@code deactivation} (which makes members inactive in the table and returns
     * them) and takes them out of the index, with registrations held off and everything admitted before written
     * first, so a member registering again at that moment is neither left out of the index while active in the
     * table nor kept in it while inactive. Then the index is compared with the table (a count of its active rows):
     * should they differ (registrations whose writes failed leave an entry without a row, or the reverse, a rare
     * case), the index is reloaded from the table. Returns how many were made inactive.
     */
    public int deactivate(Supplier<List<MemberAddress>> deactivation) {
        indexLock.writeLock().lock();
        try {
            writer.flush();
            List<MemberAddress> inactive = deactivation.get();
            inactive.forEach(member -> active.remove(member.host(), member.port()));
            long rows = members.countByStatus(MemberStatus.ACTIVE.name());
            if (rows != active.size()) {
                log.info("the index of active members held {}, the table {}: reloaded from the table", active.size(),
                        rows);
                active.replaceAll(members.activeMembers());
            }
            return inactive.size();
        } finally {
            indexLock.writeLock().unlock();
        }
    }

    /**
     * Reloads the ADDR index from the database (at start), once every registration admitted to it is written:
     * the reload replaces it with what the table holds. Check rounds update it instead ({@link #seen},
     * {@link #deactivate}) and reload it only if it no longer matches the table: rebuilding 100,000 entries
     * every round promoted them all to the old generation.
     */
    public void reloadActive() {
        indexLock.writeLock().lock();
        try {
            writer.flush();
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

    /** At shutdown, before the database closes: what was admitted is stored, though no longer answered. */
    @PreDestroy
    public void storeQueued() {
        writer.flush();
    }
}
