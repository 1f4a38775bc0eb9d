package net.tallynet.tracker.member;

import java.util.Optional;

/**
 * The caps a new active member must fit under (PROTOCOL.md 7.2, step 5). Only active members
 * count: inactive rows wait for deletion and must not lock newcomers out, so when the table is full
 * of rows, the newcomer takes the place of the oldest inactive one (the table stays at most
 * {@code max} rows). Every count comes from the in-memory index of active members: counting up to
 * {@code max} rows on every new registration would let a flood of them cost the tracker a scan each,
 * and even the per-host and per-network counts over an index were a third of a registration's
 * database time (issue 19, a profile).
 */
final class MemberLimits {
    private final MemberRepository members;
    private final MembersProperties properties;
    private final ActiveMembers active;

    MemberLimits(MemberRepository members, MembersProperties properties, ActiveMembers active) {
        this.members = members;
        this.properties = properties;
        this.active = active;
    }

    /**
     * {@link #check} for {@code member}, and if no cap refuses it, the member counted in the index at once,
     * both holding the index: newcomers checked together could otherwise all pass a cap with one place left
     * (16 from one host against a cap of 3 in MemberRegistryTest).
     */
    Optional<Refused> admit(ActiveMembers.ActiveMember member) {
        synchronized (active) {
            Optional<Refused> refused = check(member.host(), Netgroup.of(member.host()));
            if (refused.isEmpty()) {
                active.put(member);
            }
            return refused;
        }
    }

    /** The cap one more active member at host (in netgroup) would break, if any. */
    private Optional<Refused> check(String host, String netgroup) {
        if (active.atHost(host) >= properties.maxPerHost()) {
            return Optional.of(new Refused(RegistrationRefusal.HOST_FULL, properties.maxPerHost()));
        }
        if (active.inNetgroup(netgroup) >= properties.maxPerPrefix()) {
            return Optional.of(new Refused(RegistrationRefusal.PREFIX_FULL, properties.maxPerPrefix()));
        }
        if (active.size() >= properties.max()) {
            return Optional.of(new Refused(RegistrationRefusal.TABLE_FULL, properties.max()));
        }
        return Optional.empty();
    }

    /**
     * Before a new row: frees one when the table holds {@code max} rows (check() found fewer active). The
     * row count is H2's own figure for the table, read in constant time; on PostgreSQL it is a count over
     * the table, paid once per new member (renewals do not come here).
     */
    void makeRoom() {
        if (members.count() >= properties.max()) {
            members.findFirstByStatusOrderByInactiveSinceAsc(MemberStatus.INACTIVE.name()).ifPresent(members::delete);
        }
    }

    /** A refusal and the limit that caused it. */
    record Refused(RegistrationRefusal reason, int limit) {
    }
}
