package net.tallynet.p2p.store;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.h2.engine.Database;
import org.h2.engine.SessionLocal;
import org.h2.index.Index;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.db.MVIndex;
import org.h2.mvstore.db.Store;
import org.h2.mvstore.tx.Transaction;
import org.h2.table.Table;
import org.h2.value.VersionedValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Commits, before anything reads the store after an unclean shutdown, the entries that H2 (2.4.240) left
 * marked uncommitted by a transaction that no longer exists.
 *
 * <p>Why they exist: H2 writes a chunk by taking each map's root in turn, while other threads go on
 * committing. A commit first marks every entry it wrote as its own (uncommitted), then rewrites them as
 * committed map by map, then clears its undo log. A chunk written in between can hold a table's entries
 * still marked, a later map already rewritten, and the undo log already empty. Killed before the next
 * chunk, the store opens with no transaction to roll back or finish, and with those entries owned by a
 * transaction id nobody holds: readers see them as absent, and a writer of the same key waits for that
 * transaction until its lock times out. The crash campaign met both halves: a tip whose block row was
 * missing (commit 230f6fa), and a node that could never start again because the block journal's
 * replay of that block timed out on its row (CI, 2026-12-07).
 *
 * <p>What is done: such an entry's transaction had cleared its undo log, so it had ended; our writers
 * roll back only on a failure, so it almost always ended in a commit, and the rest of the same commit
 * (the tip's move) is already in place. So the marked value becomes the committed one (a marked
 * deletion deletes). The trade-off: a rollback torn the same way (H2 reverts an entry, then drops its
 * undo record) would be committed; the log names each transaction's entries by table. H2's own schema
 * table (SYS) is the exception: the schema in memory was read from its committed entries, so there the
 * committed value is restored instead.
 *
 * <p>The sweep reads every entry of every table and index (about 0.5 s for 80,000 entries, cold), so it
 * runs only when the store's header says the last process did not close it; a store closed cleanly since
 * its kill keeps what it has (a store left so by an earlier version). A sweep that fails stops the start:
 * starting without it would close the store cleanly and leave the entries for good. The node and the
 * tracker import it; with any other database it does nothing.
 */
public class UncommittedEntrySweep implements BeanPostProcessor {
    private static final Logger log = LoggerFactory.getLogger(UncommittedEntrySweep.class);
    private static final String H2_URL = "jdbc:h2:";
    /** H2's operation ids keep the transaction id above the 40 bits of its log id. */
    private static final int LOG_ID_BITS = 40;
    /** H2's schema table, created apart from the schemas that list the others. */
    private static final String SCHEMA_TABLE_MAP = "table.0";
    /** Its name in the map of maps to table names. */
    private static final String SCHEMA_TABLE = "SYS";

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        // Hikari opens no connection before its first getConnection: this runs before H2 opens the file
        if (bean instanceof HikariDataSource dataSource && dataSource.getJdbcUrl() != null
                && dataSource.getJdbcUrl().startsWith(H2_URL)) {
            Path file = storeFile(dataSource.getJdbcUrl(), Path.of(System.getProperty("user.home")));
            if (file == null) {
                log.info("{}: not a file store, nothing to sweep after a kill", dataSource.getJdbcUrl());
            } else if (Files.exists(file) && !closedCleanly(file)) {
                sweep(dataSource, file);
            }
        }
        return bean;
    }

    /**
     * The file behind an H2 URL: {@code jdbc:h2:file:/data/node;OPTION=..} and {@code jdbc:h2:~/node} are stored
     * in {@code /data/node.mv.db} and {@code <home>/node.mv.db}; null for an in-memory or a server URL.
     */
    static Path storeFile(String url, Path home) {
        String path = url.substring(H2_URL.length());
        int options = path.indexOf(';');
        path = options < 0 ? path : path.substring(0, options);
        if (path.startsWith("file:")) {
            path = path.substring("file:".length());
        } else if (path.startsWith("mem:") || path.startsWith("tcp:") || path.startsWith("ssl:") || path.startsWith("zip:")) {
            return null;
        }
        if (path.equals("~") || path.startsWith("~/")) {
            return home.resolve(path.substring(1).replaceFirst("^/", "") + ".mv.db");
        }
        return Path.of(path + ".mv.db").toAbsolutePath().normalize();
    }

    /**
     * H2's file header ({@code H:2,block:..,clean:1,..}, plain text at the start of the file, its fields sorted)
     * carries {@code clean:1} after a close, and loses it at the first chunk a process writes.
     */
    public static boolean closedCleanly(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            String header = new String(in.readNBytes(256), StandardCharsets.ISO_8859_1);
            return header.startsWith("H:") && List.of(header.split("[,\\s]")).contains("clean:1");
        } catch (IOException e) {
            return false; // H2 will say what is wrong with the file; the sweep costs only time
        }
    }

    private static void sweep(DataSource dataSource, Path file) {
        long started = System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            SessionLocal session = (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
            Database database = session.getDatabase();
            Store store = database.getStore();
            // H2 ended every leftover transaction as it opened (Database.open) but a prepared one (two-phase
            // commit, which nothing here uses); any other id is free or a new session's, never the marker's owner
            Set<Integer> prepared = store.getTransactionStore().getOpenTransactions().stream()
                    .filter(transaction -> transaction.getStatus() == Transaction.STATUS_PREPARED)
                    .map(Transaction::getId).collect(Collectors.toSet());
            Map<String, Integer> swept = new TreeMap<>();
            long read = 0;
            for (Map.Entry<MVMap<Object, VersionedValue<Object>>, String> map : maps(database).entrySet()) {
                boolean schema = map.getValue().equals(SCHEMA_TABLE);
                Swept result = resolveOrphans(map.getKey(), prepared, schema);
                read += result.read();
                result.byTransaction().forEach((transaction, count) -> swept.merge(
                        map.getValue().toLowerCase() + (schema ? " restored" : "") + " (transaction " + transaction + ")",
                        count, Integer::sum));
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (swept.isEmpty()) {
                log.info("store {}: after an unclean shutdown, no entry left uncommitted ({} entries read in {} ms)", file,
                        read, millis);
                return;
            }
            store.getMvStore().commit();
            log.warn("store {}: after an unclean shutdown, committed {} entries that H2 had left marked uncommitted by a"
                            + " transaction that had ended: {}; {} entries read in {} ms", file,
                    swept.values().stream().mapToInt(Integer::intValue).sum(), swept, read, millis);
        } catch (SQLException | RuntimeException e) {
            throw new IllegalStateException("store " + file + ": the sweep for entries H2 left uncommitted at a kill failed;"
                    + " the node does not start on it (a clean close would leave them for good)", e);
        }
    }

    /** The map behind H2's schema table and every table and index, each once (a delegate index shares its table's). */
    @SuppressWarnings("unchecked")
    private static Map<MVMap<Object, VersionedValue<Object>>, String> maps(Database database) {
        Map<MVMap<Object, VersionedValue<Object>>, String> maps = new IdentityHashMap<>();
        MVStore mvStore = database.getStore().getMvStore();
        String schemaMapId = mvStore.getMetaMap().get("name." + SCHEMA_TABLE_MAP);
        if (schemaMapId != null && mvStore.getMap(Integer.parseInt(schemaMapId, 16)) instanceof MVMap<?, ?> schema) {
            maps.put((MVMap<Object, VersionedValue<Object>>) schema, SCHEMA_TABLE);
        }
        for (Table table : database.getAllTablesAndViews()) {
            for (Index index : table.getIndexes() == null ? List.<Index>of() : table.getIndexes()) {
                if (index instanceof MVIndex<?, ?> mvIndex) {
                    maps.putIfAbsent((MVMap<Object, VersionedValue<Object>>) (MVMap<?, ?>) mvIndex.getMVMap(), table.getName());
                }
            }
        }
        return maps;
    }

    private record Swept(long read, Map<Integer, Integer> byTransaction) {}

    /** Commits (or, in the schema table, reverts) every entry marked by a transaction that is not prepared. */
    private static Swept resolveOrphans(MVMap<Object, VersionedValue<Object>> map, Set<Integer> prepared, boolean revert) {
        // two lists, not a map: H2's index keys (SearchRow) refuse hashCode
        List<Object> keys = new ArrayList<>();
        List<VersionedValue<Object>> values = new ArrayList<>();
        Map<Integer, Integer> byTransaction = new TreeMap<>();
        long read = 0;
        Cursor<Object, VersionedValue<Object>> cursor = map.cursor(null);
        while (cursor.hasNext()) {
            Object key = cursor.next();
            VersionedValue<Object> value = cursor.getValue();
            read++;
            int transaction = value == null ? 0 : (int) (value.getOperationId() >>> LOG_ID_BITS);
            if (value != null && value.getOperationId() != 0 && !prepared.contains(transaction)) {
                keys.add(key);
                values.add(value);
                byTransaction.merge(transaction, 1, Integer::sum);
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            Object resolved = revert ? values.get(i).getCommittedValue() : values.get(i).getCurrentValue();
            if (resolved == null) {
                map.remove(keys.get(i));
            } else {
                // a committed entry is stored as its value itself (H2's values are their own committed versions)
                @SuppressWarnings("unchecked")
                VersionedValue<Object> committed = (VersionedValue<Object>) resolved;
                map.put(keys.get(i), committed);
            }
        }
        return new Swept(read, byTransaction);
    }
}
