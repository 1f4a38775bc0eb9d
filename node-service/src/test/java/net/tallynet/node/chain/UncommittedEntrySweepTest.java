package net.tallynet.node.chain;

import static net.tallynet.node.TestNetwork.chain;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.TornCommits;
import net.tallynet.node.mining.Miner;
import net.tallynet.p2p.store.UncommittedEntrySweep;
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
            TornCommits.Marked marked = TornCommits.markRowAndKill(dir.resolve("node").resolve("node"), "blocks",
                    "hash = '" + tip + "'", GONE_TRANSACTION);
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

    private Connection database() throws Exception {
        return DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("node").resolve("node"), "sa", "");
    }
}
