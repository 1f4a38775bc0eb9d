package net.tallynet.node.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.tallynet.node.TestBlocks;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Difficulty;
import net.tallynet.protocol.ledger.Genesis;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Block frames are a varying binary column, not a LOB (StoredBlock says why); a store written when they
 * were a BLOB is converted at start, its blocks unchanged.
 */
class FrameColumnUpgradeTest extends ChainStoreTest {
    private static final String FRAME_TYPE = "select DATA_TYPE from INFORMATION_SCHEMA.COLUMNS"
            + " where TABLE_NAME = 'BLOCKS' and COLUMN_NAME = 'FRAME'";

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void framesStoredAsBlobsAreConvertedAtStartAndReadBackUnchanged() {
        Block genesis = Genesis.of("devnet");
        String work = Difficulty.toHex(Difficulty.work(genesis.target()));
        store.initialise(genesis, work);
        Block child = TestBlocks.block(genesis, new byte[32], List.of());
        store.store(child, work);
        byte[] frame = store.frame(child.hash()).orElseThrow();
        assertThat(jdbc.queryForObject(FRAME_TYPE, String.class)).isEqualTo("BINARY VARYING");
        jdbc.execute("alter table blocks alter column frame set data type blob"); // as an older version made it
        assertThat(jdbc.queryForObject(FRAME_TYPE, String.class)).isEqualTo("BINARY LARGE OBJECT");

        store.upgradeFrameColumn(); // what every start does
        store.upgradeFrameColumn(); // and again: nothing left to do

        assertThat(jdbc.queryForObject(FRAME_TYPE, String.class)).isEqualTo("BINARY VARYING");
        assertThat(store.frame(child.hash())).hasValueSatisfying(read -> assertThat(read).isEqualTo(frame));
        assertThat(store.block(child.hash())).contains(child);
    }
}
