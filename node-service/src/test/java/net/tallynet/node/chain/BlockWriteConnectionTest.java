package net.tallynet.node.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.node.TestBlocks;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Genesis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * The connection blocks are stored on (ChainStore): kept from block to block, given back and replaced when it
 * fails or stops answering, and never taken again once the store has closed it. A database of its own in memory,
 * with the store's two tables that a block's rows go to.
 */
class BlockWriteConnectionTest {
    private static final Block GENESIS = Genesis.of("devnet");
    private static final Block CHILD = TestBlocks.block(GENESIS, new byte[32], List.of());

    /** Every connection the pool handed out, in order. */
    private final List<Connection> handedOut = new ArrayList<>();
    private DelegatingDataSource pool;
    private JdbcTemplate jdbc;

    @BeforeEach
    void database() throws SQLException {
        SimpleDriverDataSource h2 = new SimpleDriverDataSource(new org.h2.Driver(),
                "jdbc:h2:mem:block-writes-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        pool = new DelegatingDataSource(h2) {
            @Override
            public Connection getConnection() throws SQLException {
                Connection connection = super.getConnection();
                handedOut.add(connection);
                return connection;
            }
        };
        jdbc = new JdbcTemplate(h2);
        jdbc.execute("create table blocks (hash varchar(64) primary key, number bigint not null, previous_hash"
                + " varchar(64) not null, time bigint not null, target varchar(64) not null, merkle_root varchar(64),"
                + " nonce bigint, chain_work varchar(64) not null, main_chain boolean not null, tx_count int not null,"
                + " frame varbinary(1000000) not null)");
        jdbc.execute("create table chain_tip (id int primary key, best_hash varchar(64), coins_hash varchar(64))");
        jdbc.update("insert into chain_tip (id, best_hash) values (?, ?)", ChainTip.ID, GENESIS.hash());
    }

    @AfterEach
    void shutdown() {
        jdbc.execute("shutdown");
    }

    @Test
    void blockAfterBlockGoesOnOneConnectionAndCommits() {
        BlockWriteConnection writes = new BlockWriteConnection(pool);
        Block grandchild = TestBlocks.block(CHILD, new byte[32], List.of());

        connect(writes, CHILD);
        connect(writes, grandchild);

        assertThat(handedOut).hasSize(1);
        assertThat(jdbc.queryForObject("select best_hash from chain_tip", String.class)).isEqualTo(grandchild.hash());
        assertThat(jdbc.queryForObject("select count(*) from blocks where main_chain", Integer.class)).isEqualTo(2);
    }

    @Test
    void rowsOfAFailedBlockAreRolledBackAndTheConnectionStaysInUse() {
        BlockWriteConnection writes = new BlockWriteConnection(pool);

        assertThatThrownBy(() -> writes.inTransaction(rows -> {
            rows.insert(CHILD, "01", new byte[] {1}, true);
            throw new IllegalStateException("a rule fails after the insert");
        })).hasMessage("a rule fails after the insert");
        assertThat(jdbc.queryForObject("select count(*) from blocks", Integer.class)).isZero();

        connect(writes, CHILD);
        assertThat(handedOut).hasSize(1);
        assertThat(jdbc.queryForObject("select best_hash from chain_tip", String.class)).isEqualTo(CHILD.hash());
    }

    @Test
    void aConnectionThatNoLongerAnswersAfterBeingIdleIsReplaced() throws SQLException {
        BlockWriteConnection writes = new BlockWriteConnection(pool, Duration.ZERO);
        writes.inTransaction(rows -> rows.mainChainHashAt(0));
        handedOut.getFirst().close(); // as a server that dropped it: every use fails

        connect(writes, CHILD);

        assertThat(handedOut).hasSize(2);
        assertThat(jdbc.queryForObject("select best_hash from chain_tip", String.class)).isEqualTo(CHILD.hash());
    }

    @Test
    void onceClosedItGivesItsConnectionBackAndTakesNoOther() throws SQLException {
        BlockWriteConnection writes = new BlockWriteConnection(pool);
        writes.inTransaction(rows -> rows.mainChainHashAt(0));

        writes.close();

        assertThat(handedOut.getFirst().isClosed()).isTrue();
        assertThatThrownBy(() -> connect(writes, CHILD)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(handedOut).hasSize(1);
    }

    private static void connect(BlockWriteConnection writes, Block block) {
        writes.inTransaction(rows -> {
            rows.insert(block, "01", new byte[] {1}, true);
            rows.connect(block, List.of(), false);
            return null;
        });
    }
}
