package net.tallynet.tracker.member;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * {@code tallynet_tracker_members{status}} and {@code tallynet_tracker_registrations_total{kind}}.
 * Member counts are refreshed by the check round and after registrations, not counted per scrape.
 */
@Component
public class MemberMetrics {
    /** Every kind {@link MemberRegistry} counts, registered at zero. */
    private static final List<String> KINDS = Stream.concat(Stream.of("new", "renewed", "reactivated"),
            Stream.of(RegistrationRefusal.values()).map(RegistrationRefusal::label)).toList();

    private final Map<MemberStatus, AtomicLong> counts = new EnumMap<>(MemberStatus.class);
    private final Map<String, Counter> registrations = new HashMap<>();

    public MemberMetrics(MeterRegistry registry) {
        for (MemberStatus status : MemberStatus.values()) {
            AtomicLong count = new AtomicLong();
            counts.put(status, count);
            Gauge.builder("tallynet.tracker.members", count, AtomicLong::get).tag("status", status.label())
                    .description("Members known to the tracker, by status").register(registry);
        }
        for (String kind : KINDS) {
            registrations.put(kind, Counter.builder("tallynet.tracker.registrations").tag("kind", kind)
                    .description("GETADDR registrations, by kind").register(registry));
        }
    }

    /** {@code kind}: new, renewed, reactivated, or a {@link RegistrationRefusal} label. */
    void registered(String kind) {
        registrations.get(kind).increment();
    }

    public void counts(long active, long inactive) {
        counts.get(MemberStatus.ACTIVE).set(active);
        counts.get(MemberStatus.INACTIVE).set(inactive);
    }
}
