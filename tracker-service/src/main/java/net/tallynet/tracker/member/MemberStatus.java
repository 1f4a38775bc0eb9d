package net.tallynet.tracker.member;

import java.util.Locale;

/**
 * Active members are handed out in ADDR and checked; inactive ones failed too many checks in a row.
 *
 * <p>A member stores its status as the name, in a plain VARCHAR column that queries compare with
 * {@code name()} or a string literal, because both columns Hibernate makes for an enum break on H2 2.4:
 * a native ENUM's index keys read back from disk come back as ordinals, so {@code where status = ?} failed
 * with a data conversion error (CHARACTER VARYING to DECFLOAT) and a restarted tracker did not start; a
 * VARCHAR with Hibernate's {@code check (status in (...))} fails every insert once the connection that
 * created the table has closed ("Check constraint invalid"). ddl-auto: update turns an older store's ENUM
 * column into the VARCHAR, values kept (MemberRestartTest).
 */
public enum MemberStatus {
    ACTIVE, INACTIVE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
