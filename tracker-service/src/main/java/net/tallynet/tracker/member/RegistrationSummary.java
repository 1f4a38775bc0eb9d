package net.tallynet.tracker.member;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;
import net.tallynet.p2p.PeriodicTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One log line per {@code tallynet.members.summary-interval} for all registrations since the last:
 * how many new, renewed, reactivated and refused (by reason), and the active members now. Members are
 * not logged one by one: three lines per registration were most of the tracker's work at a few
 * thousand registrations a second (issue 19).
 */
@Component
class RegistrationSummary extends PeriodicTask {
    private static final Logger log = LoggerFactory.getLogger(RegistrationSummary.class);
    private final MemberMetrics metrics;
    private final MemberRegistry registry;
    private final MembersProperties properties;
    private Map<String, Long> last = new HashMap<>();

    RegistrationSummary(MemberMetrics metrics, MemberRegistry registry, MembersProperties properties) {
        super("registration-summary");
        this.metrics = metrics;
        this.registry = registry;
        this.properties = properties;
    }

    @Override
    protected void tick() {
        Map<String, Long> now = metrics.totals();
        StringJoiner refused = new StringJoiner(", ");
        long newMembers = delta(now, "new");
        long renewed = delta(now, "renewed");
        long reactivated = delta(now, "reactivated");
        long refusedCount = 0;
        for (String kind : now.keySet()) {
            if (!kind.equals("new") && !kind.equals("renewed") && !kind.equals("reactivated")) {
                long count = delta(now, kind);
                if (count > 0) {
                    refused.add(kind + " " + count);
                    refusedCount += count;
                }
            }
        }
        last = now;
        if (newMembers + renewed + reactivated + refusedCount > 0) {
            log.info("registrations in the last {} s: {} new, {} renewed, {} reactivated, {} not recorded{}; {} active members",
                    period().toSeconds(), newMembers, renewed, reactivated, refusedCount,
                    refusedCount == 0 ? "" : " (" + refused + ")", registry.activeCount());
        }
    }

    private long delta(Map<String, Long> now, String kind) {
        return now.getOrDefault(kind, 0L) - last.getOrDefault(kind, 0L);
    }

    @Override
    protected boolean enabled() {
        return true;
    }

    @Override
    protected Duration firstDelay() {
        return properties.summaryInterval();
    }

    @Override
    protected Duration period() {
        return properties.summaryInterval();
    }
}
