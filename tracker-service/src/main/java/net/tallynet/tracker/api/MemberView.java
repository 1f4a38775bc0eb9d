package net.tallynet.tracker.api;

import java.time.Instant;
import net.tallynet.tracker.member.Member;

/**
 * A member as {@code GET /api/members} shows it. {@code height} is the blockCount of its last HELLO
 * (null until one was seen), {@code lastChecked} when its last check ended (null before the first).
 */
public record MemberView(String host, int port, String nodeId, String status, Instant firstSeen, Instant lastSeen,
                         int consecutiveFailures, Instant inactiveSince, Long height, Instant lastChecked) {

    static MemberView of(Member member) {
        return new MemberView(member.host(), member.port(), member.nodeId(), member.status().label(),
                member.firstSeen(), member.lastSeen(), member.consecutiveFailures(), member.inactiveSince(),
                member.height(), member.lastChecked());
    }
}
