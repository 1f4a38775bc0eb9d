package net.tallynet.node;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.h2.engine.SessionLocal;
import org.h2.index.Index;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.db.MVIndex;
import org.h2.mvstore.tx.UncommittedEntries;
import org.h2.result.SearchRow;
import org.h2.table.Table;
import org.h2.value.VersionedValue;

/**
 * Leaves an H2 store as a kill in the middle of a commit can (UncommittedEntrySweep says how): one row's entries,
 * in its table and every index, marked as written by a transaction that no longer exists, a chunk written, and
 * the store closed without its clean mark.
 */
public final class TornCommits {
    private TornCommits() {
    }

    /** How many entries were marked, and in how many maps (the table's and each index's). */
    public record Marked(int entries, int maps) {}

    /** Marks the one row of {@code table} that {@code where} (SQL) selects; {@code database}: the path without {@code .mv.db}. */
    @SuppressWarnings("unchecked")
    public static Marked markRowAndKill(Path database, String table, String where, int transactionId) throws SQLException {
        int marked = 0;
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + database, "sa", "")) {
            SessionLocal session = (SessionLocal) db.unwrap(JdbcConnection.class).getSession();
            Table rows = session.getDatabase().getSchema("PUBLIC").findTableOrView(session, table.toUpperCase());
            long rowKey = rowKey(db, table, where);
            Map<MVMap<Object, VersionedValue<Object>>, Boolean> maps = new IdentityHashMap<>();
            for (Index index : rows.getIndexes()) {
                if (index instanceof MVIndex<?, ?> mvIndex) {
                    maps.put((MVMap<Object, VersionedValue<Object>>) (MVMap<?, ?>) mvIndex.getMVMap(), true);
                }
            }
            for (MVMap<Object, VersionedValue<Object>> map : maps.keySet()) {
                List<Object> keys = new ArrayList<>();
                for (var cursor = map.cursor(null); cursor.hasNext(); ) {
                    Object key = cursor.next();
                    long entryRow = key instanceof SearchRow row ? row.getKey() : (Long) key;
                    if (entryRow == rowKey) {
                        keys.add(key);
                    }
                }
                for (Object key : keys) {
                    map.put(key, UncommittedEntries.insertedBy(transactionId, map.get(key).getCurrentValue()));
                    marked++;
                }
            }
            session.getDatabase().getStore().getMvStore().commit();
            try (var statement = db.createStatement()) {
                statement.execute("shutdown immediately");
            } catch (SQLException closing) {
                // H2 may report the session it has just closed
            }
            return new Marked(marked, maps.size());
        }
    }

    private static long rowKey(Connection db, String table, String where) throws SQLException {
        try (var statement = db.createStatement();
             var result = statement.executeQuery("select _rowid_ from " + table + " where " + where)) {
            if (!result.next()) {
                throw new IllegalArgumentException("no row of " + table + " where " + where);
            }
            long key = result.getLong(1);
            if (result.next()) {
                throw new IllegalArgumentException("more than one row of " + table + " where " + where);
            }
            return key;
        }
    }
}
