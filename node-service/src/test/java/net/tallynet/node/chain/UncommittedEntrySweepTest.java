package net.tallynet.node.chain;

import static net.tallynet.node.TestNetwork.chain;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.mining.Miner;
import net.tallynet.p2p.store.UncommittedEntrySweep;
import org.h2.engine.SessionLocal;
import org.h2.index.Index;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.db.MVIndex;
import org.h2.mvstore.tx.UncommittedEntries;
import org.h2.result.SearchRow;
import org.h2.table.Table;
import org.h2.value.VersionedValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The store the crash campaign left (CI, 2026-12-07): the tip's move committed, the tip block's row (and its
 * index entries) still marked uncommitted by a transaction gone with the killed process. The next start
 * replayed that block from the journal, its insert waited on the dead transaction's lock until it timed
 * out, and the node could not start again, ever. Now the marked entries are committed before anything
 * reads the store, and the node starts on the tip it had.
 */
@ExtendWith(OutputCaptureExtension.class)
class UncommittedEntrySweepTest {
    /** A small id, as real ones are: the next process's sessions get the same ids again. */
    private static final int GONE_TRANSACTION = 2;

    @TempDir
    Path dir;

    @Test
    void aBlockRowLeftMarkedUncommittedByAKilledCommitIsCommittedAtTheNextStart(CapturedOutput output) throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("node", "--tallynet.peers.max-outbound=0");
            List<String> mined = node.getBean(Miner.class).generate(3, null);
            network.stop(node);
            Path file = dir.resolve("node").resolve("node.mv.db");
            assertThat(UncommittedEntrySweep.closedCleanly(file)).as("a stop closes the store cleanly").isTrue();

            String tip = mined.getLast();
            Marked marked = markRowUncommittedAndKill(tip);
            assertThat(marked.entries()).as("the row and its entry in each index").isEqualTo(marked.maps()).isGreaterThan(1);
            assertThat(UncommittedEntrySweep.closedCleanly(file)).isFalse();

            ConfigurableApplicationContext restarted = network.node("node", "--tallynet.peers.max-outbound=0");
            assertThat(chain(restarted).tip().hash()).as("the tip's block is stored and the tip did not go back").isEqualTo(tip);
            assertThat(output.getOut()).contains("committed " + marked.entries() + " entries that H2 had left marked uncommitted",
                    "blocks (transaction " + GONE_TRANSACTION + ")=" + marked.entries());
            String next = restarted.getBean(Miner.class).generate(1, null).getFirst();
            network.stop(restarted);

            try (Connection db = database(); var statement = db.createStatement();
                 var result = statement.executeQuery("select count(*) from blocks where hash = '" + tip + "'")) {
                result.next();
                assertThat(result.getInt(1)).isEqualTo(1);
            }
            ConfigurableApplicationContext again = network.node("node", "--tallynet.peers.max-outbound=0");
            assertThat(chain(again).tip().hash()).isEqualTo(next);
        }
    }

    private record Marked(int entries, int maps) {}

    /**
     * Marks the block's row in every map of the blocks table as written by a transaction that is not open,
     * writes a chunk, and closes the store as a kill would (no clean mark).
     */
    @SuppressWarnings("unchecked")
    private Marked markRowUncommittedAndKill(String hash) throws Exception {
        int marked = 0;
        int mapCount;
        try (Connection db = database()) {
            SessionLocal session = (SessionLocal) db.unwrap(JdbcConnection.class).getSession();
            Table blocks = session.getDatabase().getSchema("PUBLIC").findTableOrView(session, "BLOCKS");
            long rowKey = rowKey(db, hash);
            Map<MVMap<Object, VersionedValue<Object>>, Boolean> maps = new IdentityHashMap<>();
            for (Index index : blocks.getIndexes()) {
                if (index instanceof MVIndex<?, ?> mvIndex) {
                    maps.put((MVMap<Object, VersionedValue<Object>>) (MVMap<?, ?>) mvIndex.getMVMap(), true);
                }
            }
            mapCount = maps.size();
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
                    map.put(key, UncommittedEntries.insertedBy(GONE_TRANSACTION, map.get(key).getCurrentValue()));
                    marked++;
                }
            }
            session.getDatabase().getStore().getMvStore().commit();
            try (var statement = db.createStatement()) {
                statement.execute("shutdown immediately");
            } catch (java.sql.SQLException closing) {
                // H2 may report the session it has just closed
            }
        }
        return new Marked(marked, mapCount);
    }

    private static long rowKey(Connection db, String hash) throws Exception {
        try (var statement = db.prepareStatement("select _rowid_ from blocks where hash = ?")) {
            statement.setString(1, hash);
            try (var result = statement.executeQuery()) {
                assertThat(result.next()).isTrue();
                return result.getLong(1);
            }
        }
    }

    private Connection database() throws Exception {
        return DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("node").resolve("node"), "sa", "");
    }
}
