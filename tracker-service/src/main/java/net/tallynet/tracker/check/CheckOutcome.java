package net.tallynet.tracker.check;

import java.util.Locale;

/** How one check ended; the label is the {@code outcome} tag of {@code tallynet_tracker_checks_total}. */
public enum CheckOutcome {
    /** The member answered HEY in time. */
    OK,
    /** No HEY within the timeout. */
    TIMEOUT,
    /** The connection could not be opened. */
    UNREACHABLE,
    /** The member closed, or answered something other than HEY. */
    BAD_ANSWER;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
