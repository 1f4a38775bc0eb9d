package net.tallynet.tracker.member;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * {@code tallynet_tracker_members{status}} and {@code tallynet_tracker_registrations_total{kind}}.
 * The active count is live (the in-memory index of active members, which every registration and
 * every check round updates); the inactive count is refreshed by the check round.
 */
@Component
public class MemberMetrics {
    /** The kind of a registration admitted but not stored (its batch's transaction failed): it was not answered. */
    static final String FAILED = "failed";
    /** Every kind {@link MemberRegistry} counts, registered at zero. */
    private static final List<String> KINDS = Stream.concat(Stream.of("new", "renewed", "reactivated", FAILED),
            Stream.of(RegistrationRefusal.values()).map(RegistrationRefusal::label)).toList();

    private final AtomicLong inactive = new AtomicLong();
    private volatile IntSupplier active = () -> 0;
    private final Map<String, Counter> registrations = new HashMap<>();

    public MemberMetrics(MeterRegistry registry) {
        Gauge.builder("tallynet.tracker.members", this, m -> m.active.getAsInt()).tag("status", MemberStatus.ACTIVE.label())
                .description("Members known to the tracker, by status").register(registry);
        Gauge.builder("tallynet.tracker.members", inactive, AtomicLong::get).tag("status", MemberStatus.INACTIVE.label())
                .description("Members known to the tracker, by status").register(registry);
        for (String kind : KINDS) {
            registrations.put(kind, Counter.builder("tallynet.tracker.registrations").tag("kind", kind)
                    .description("GETADDR registrations, by kind").register(registry));
        }
    }

    /** {@code kind}: new, renewed, reactivated, failed, or a {@link RegistrationRefusal} label. */
    void registered(String kind) {
        registrations.get(kind).increment();
    }

    /** Where the live active count comes from (the registry's index of active members). */
    void activeFrom(IntSupplier count) {
        this.active = count;
    }

    public void inactive(long count) {
        inactive.set(count);
    }

    /** Registrations so far, by kind. */
    Map<String, Long> totals() {
        Map<String, Long> totals = new LinkedHashMap<>();
        KINDS.forEach(kind -> totals.put(kind, (long) registrations.get(kind).count()));
        return totals;
    }
}
