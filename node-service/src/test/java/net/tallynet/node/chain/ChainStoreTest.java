package net.tallynet.node.chain;

import java.util.List;
import net.tallynet.node.TestBlocks;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Difficulty;
import net.tallynet.protocol.ledger.Genesis;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Base of the tests over the real JPA chain store (H2 in memory): every connect and disconnect
 * commits on its own, as in the node, so each test starts from empty tables.
 */
@DataJpaTest(properties = "tallynet.data-dir=target/unused")
@Import({ChainStore.class, ChainStoreTest.Codec.class})
@Transactional(propagation = Propagation.NOT_SUPPORTED)
public abstract class ChainStoreTest {
    protected static final Block GENESIS = Genesis.of("devnet");
    protected static final String GENESIS_WORK = Difficulty.toHex(Difficulty.work(GENESIS.target()));

    @TestConfiguration
    @EnableConfigurationProperties(ChainProperties.class)
    static class Codec {
        @Bean
        FrameCodec storageCodec() {
            return new FrameCodec();
        }
    }

    @Autowired
    protected ChainStore store;
    @Autowired
    protected BlockRepository blocks;
    @Autowired
    protected UtxoRepository utxos;
    @Autowired
    protected TxLocationRepository transactions;
    @Autowired
    protected ChainTipRepository tips;
    /** For tests that make the tables look as an older version left them. */
    @Autowired
    protected JdbcTemplate jdbc;

    @BeforeEach
    void emptyTables() {
        store.forgetCaches();
        jdbc.update("delete from block_undo_data");
        transactions.deleteAll();
        utxos.deleteAll();
        tips.deleteAll();
        blocks.deleteAll();
    }

    /** How many blocks have undo data stored (a block that spends nothing has none). */
    protected long blocksWithUndoData() {
        return jdbc.queryForObject("select count(*) from block_undo_data", Long.class);
    }

    /**
     * Makes H2 refuse to put the block on the best chain (its row's flag), as a failing database would, until
     * {@link #allowConnecting} drops the constraint {@code name}.
     */
    protected void refuseConnecting(String name, Block block, boolean onTheChainNow) {
        jdbc.execute("alter table BLOCKS add constraint " + name + " check (HASH <> '" + block.hash()
                + "' or MAIN_CHAIN = false)" + (onTheChainNow ? " nocheck" : ""));
    }

    protected void allowConnecting(String name) {
        jdbc.execute("alter table BLOCKS drop constraint if exists " + name);
    }

    /** Starts the store at genesis and stores one child of it (not connected); returns the child. */
    protected Block storeChildOfGenesis() {
        store.initialise(GENESIS, GENESIS_WORK);
        Block child = TestBlocks.block(GENESIS, new byte[32], List.of());
        store.store(child, GENESIS_WORK);
        return child;
    }
}
