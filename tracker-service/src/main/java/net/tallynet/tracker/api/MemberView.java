package net.tallynet.tracker.api;

import java.time.Instant;
import net.tallynet.tracker.member.Member;

/** A member as {@code GET /api/members} shows it. */
public record MemberView(String host, int port, String nodeId, String status, Instant firstSeen, Instant lastSeen,
                         int consecutiveFailures, Instant inactiveSince) {

    static MemberView of(Member member) {
        return new MemberView(member.host(), member.port(), member.nodeId(), member.status().label(),
                member.firstSeen(), member.lastSeen(), member.consecutiveFailures(), member.inactiveSince());
    }
}
