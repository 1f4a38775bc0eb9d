package net.tallynet.tracker.check;

import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import net.tallynet.tracker.member.MemberAddress;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes check results: one row update per member by its primary key, sent in JDBC batches, inside
 * the caller's transaction. It replaced three JPQL updates per member ({@code where id in} lists
 * of 1,000 ids for checked, passed and height), which H2 evaluated row by row against the list: with
 * 10,000 members they were most of the tracker's CPU between registrations (issue 19, a profile).
 */
@Component
class CheckRecorder {
    private static final int BATCH = 1000;
    private static final String PASSED = "update members set last_checked = ?, last_seen = ?, consecutive_failures = 0, "
            + "height = coalesce(?, height) where id = ?";
    private static final String FAILED = "update members set last_checked = ?, "
            + "consecutive_failures = consecutive_failures + 1 where id = ?";

    /** One member's check: passed or not, and the height its HELLO gave (null if none came). */
    record Checked(MemberAddress member, boolean passed, Long height) {
    }

    private final JdbcTemplate jdbc;

    CheckRecorder(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void record(List<Checked> results, Instant now) {
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        jdbc.batchUpdate(PASSED, results.stream().filter(Checked::passed).toList(), BATCH, (row, checked) -> {
            row.setObject(1, at);
            row.setObject(2, at);
            if (checked.height() == null) {
                row.setNull(3, Types.BIGINT);
            } else {
                row.setLong(3, checked.height());
            }
            row.setLong(4, checked.member().id());
        });
        jdbc.batchUpdate(FAILED, results.stream().filter(c -> !c.passed()).toList(), BATCH, (row, checked) -> {
            row.setObject(1, at);
            row.setLong(2, checked.member().id());
        });
    }
}
