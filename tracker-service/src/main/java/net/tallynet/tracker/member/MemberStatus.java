package net.tallynet.tracker.member;

import java.util.Locale;

/** Active members are handed out in ADDR and checked; inactive ones failed too many checks in a row. */
public enum MemberStatus {
    ACTIVE, INACTIVE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
