package net.tallynet.tracker.dashboard;

/** The {@code members} event: how many members the tracker has by status, and the best height among the active. */
public record MembersSummary(long active, long inactive, Long bestHeight) {
}
