package net.tallynet.tracker.member;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Drops the indexes of the members table that earlier versions made and this one does not ({@link Member} says
 * why): ddl-auto adds indexes but never drops one. H2 rewrites every index of a row it updates, even one whose
 * columns did not change, so each of them cost every registration and every check result written: a check
 * round's row updates took about 0.66x the time without the index by status alone (100,000 rows, H2 file mode).
 * <p>
 * Once every bean is made (the schema brought up to date), before the web server and the scheduled tasks start:
 * dropping an index locks the table, which no registration or check round then holds.
 */
@Component
class StaleIndexes implements SmartInitializingSingleton {
    /** ix_members_status: served by ix_members_inactive_since; the others: counted in memory (ActiveMembers). */
    static final List<String> DROPPED = List.of("ix_members_status", "ix_members_host", "ix_members_netgroup");
    private static final Logger log = LoggerFactory.getLogger(StaleIndexes.class);

    private final JdbcTemplate jdbc;

    StaleIndexes(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * In SQL that H2 and PostgreSQL both take; an index already gone costs nothing. One that cannot be dropped
     * costs time, not correctness: logged, and the tracker starts with it.
     */
    @Override
    public void afterSingletonsInstantiated() {
        for (String index : DROPPED) {
            try {
                jdbc.execute("drop index if exists " + index); // a constant of this class, never input
            } catch (RuntimeException e) {
                log.warn("could not drop the members table's unused index {} ({}); every write to the table keeps it up to date",
                        index, e.toString());
            }
        }
    }
}
