package net.tallynet.tracker.member;

/**
 * Published (as a Spring application event) when members, their statuses, heights or last checks
 * may have changed, so that whoever shows them (the dashboard) hears of it without this package
 * knowing who listens.
 */
public record MembersChanged() {
}
