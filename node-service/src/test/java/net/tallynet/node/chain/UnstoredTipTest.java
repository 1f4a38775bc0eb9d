package net.tallynet.node.chain;

import static net.tallynet.node.TestNetwork.chain;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.mining.Miner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A store whose tip row names a block it lacks, as the crash campaign once left one after a kill during a run
 * of generated blocks: the node refused to start ({@code recoverCoins} found no header for the tip). Now the tip
 * goes back to the highest block stored on the best chain, the lost block's leftovers (undo data, transaction
 * locations a flush wrote) go with it, and the node starts and goes on from there.
 */
class UnstoredTipTest {
    @TempDir
    Path dir;

    @Test
    void aTipWhoseBlockRowWasLostGoesBackAndItsLeftoversDoNotStopTheNextFlush() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("node", "--tallynet.peers.max-outbound=0");
            List<String> mined = node.getBean(Miner.class).generate(3, null);
            network.stop(node); // flushes: the transaction index locates #3's coinbase

            // the campaign's store: the tip's move kept, its block's row lost; and undo data for it, had it spent any
            String lost = mined.getLast();
            try (Connection db = database();
                 var delete = db.prepareStatement("delete from blocks where hash = ?");
                 var undo = db.prepareStatement("insert into block_undo_data (block_hash, spent) values (?, ?)")) {
                delete.setString(1, lost);
                assertThat(delete.executeUpdate()).isEqualTo(1);
                undo.setString(1, lost);
                undo.setBytes(2, new byte[0]);
                assertThat(undo.executeUpdate()).isEqualTo(1);
                assertThat(count(db, "select count(*) from transactions where block_hash = '" + lost + "'")).isEqualTo(1);
            }

            // back to #2, then #3 again from the journal if it still holds it; either way the chain goes on
            ConfigurableApplicationContext restarted = network.node("node", "--tallynet.peers.max-outbound=0");
            long height = chain(restarted).tip().number();
            assertThat(chain(restarted).tip().hash()).isIn(mined.get(1), lost);
            String next = restarted.getBean(Miner.class).generate(1, null).getFirst();
            assertThat(chain(restarted).tip().number()).isEqualTo(height + 1);
            network.stop(restarted); // flushes again: the new blocks' locations must find no row in the way

            try (Connection db = database()) {
                assertThat(count(db, "select count(*) from chain_tip where coins_hash = best_hash and best_hash = '" + next + "'"))
                        .as("the last flush committed, at the tip").isEqualTo(1);
                assertThat(count(db, "select count(*) from transactions t where not exists"
                        + " (select 1 from blocks b where b.hash = t.block_hash)")).isZero();
                assertThat(count(db, "select count(*) from block_undo_data u where not exists"
                        + " (select 1 from blocks b where b.hash = u.block_hash)")).isZero();
            }
            ConfigurableApplicationContext again = network.node("node", "--tallynet.peers.max-outbound=0");
            assertThat(chain(again).tip().hash()).isEqualTo(next);
        }
    }

    private static long count(Connection db, String query) throws Exception {
        try (var statement = db.createStatement(); var result = statement.executeQuery(query)) {
            result.next();
            return result.getLong(1);
        }
    }

    private Connection database() throws Exception {
        return DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("node").resolve("node"), "sa", "");
    }
}
