package net.tallynet.tracker.dashboard;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import net.tallynet.p2p.PeriodicTask;
import net.tallynet.p2p.http.EventStream;
import net.tallynet.tracker.member.MemberRepository;
import net.tallynet.tracker.member.MemberStatus;
import net.tallynet.tracker.member.MembersChanged;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The {@code members} event. Changes are coalesced to at most one event a second: a burst of
 * registrations (a devnet starting, a tracker coming back) costs each browser one reload, and
 * counting the members costs the database two queries a second at most, only while someone watches.
 */
@Component
public class MembersEvents extends PeriodicTask {
    static final Duration COALESCE = Duration.ofSeconds(1);

    private final MemberRepository members;
    private final EventStream events;
    private final AtomicBoolean changed = new AtomicBoolean();

    public MembersEvents(MemberRepository members, EventStream events) {
        super("members-events");
        this.members = members;
        this.events = events;
    }

    /** After the registration's commit (or at once outside a transaction), so the next count sees it. */
    @TransactionalEventListener(fallbackExecution = true)
    void onChange(MembersChanged change) {
        changed.set(true);
    }

    public MembersSummary summary() {
        return new MembersSummary(members.countByStatus(MemberStatus.ACTIVE.name()),
                members.countByStatus(MemberStatus.INACTIVE.name()), members.bestActiveHeight());
    }

    @Override
    protected void tick() {
        if (changed.getAndSet(false) && events.subscribers() > 0) {
            events.publish("members", summary());
        }
    }

    @Override
    protected boolean enabled() {
        return true;
    }

    @Override
    protected Duration firstDelay() {
        return COALESCE;
    }

    @Override
    protected Duration period() {
        return COALESCE;
    }
}
