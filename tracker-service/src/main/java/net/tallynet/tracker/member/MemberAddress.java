package net.tallynet.tracker.member;

/** Where to reach a member for a check. */
public record MemberAddress(Long id, String host, int port) {
}
