package net.tallynet.tracker.member;

import java.util.Optional;

/**
 * The caps a new active member must fit under (PROTOCOL.md 7.2, step 5). Only active members
 * count: inactive rows wait for deletion and must not lock newcomers out, so when the table is full
 * of rows, the newcomer takes the place of the oldest inactive one (RegistrationWriter deletes as many as
 * there are, so the table stays at {@code max} rows while inactive ones are left to make room). Every
 * count comes from the in-memory index of active members: counting up to {@code max} rows on every new
 * registration would let a flood of them cost the tracker a scan each,
 * and even the per-host and per-network counts over an index were a third of a registration's
 * database time (issue 19, a profile).
 */
final class MemberLimits {
    private final MembersProperties properties;
    private final ActiveMembers active;

    MemberLimits(MembersProperties properties, ActiveMembers active) {
        this.properties = properties;
        this.active = active;
    }

    /**
     * The member's entry to the index: a renewal if its address is there already, else {@link #check} and, if no
     * cap refuses it, the newcomer counted in the index at once, all holding the index: newcomers checked
     * together could otherwise all pass a cap with one place left (16 from one host against a cap of 3 in
     * MemberRegistryTest), and the same address registering twice at once is one newcomer and one renewal.
     */
    Admission admit(ActiveMembers.ActiveMember member) {
        synchronized (active) {
            if (active.renew(member)) {
                return Admission.RENEWAL;
            }
            Optional<Refused> refused = check(member.host(), Netgroup.of(member.host()));
            if (refused.isPresent()) {
                return new Admission(false, refused.get());
            }
            active.put(member);
            return Admission.NEWCOMER;
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

    /** What {@link #admit} decided: a renewal, a newcomer counted, or a refusal (then {@code refused} is set). */
    record Admission(boolean renewal, Refused refused) {
        static final Admission RENEWAL = new Admission(true, null);
        static final Admission NEWCOMER = new Admission(false, null);
    }

    /** A refusal and the limit that caused it. */
    record Refused(RegistrationRefusal reason, int limit) {
    }
}
