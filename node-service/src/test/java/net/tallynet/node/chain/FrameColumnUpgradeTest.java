package net.tallynet.node.chain;

import static org.assertj.core.api.Assertions.assertThat;

import net.tallynet.protocol.ledger.Block;
import org.junit.jupiter.api.Test;

/**
 * Block frames are a varying binary column, not a LOB (StoredBlock says why); a store written when they
 * were a BLOB is converted at start, its blocks unchanged.
 */
class FrameColumnUpgradeTest extends ChainStoreTest {
    private static final String FRAME_TYPE = "select DATA_TYPE from INFORMATION_SCHEMA.COLUMNS"
            + " where TABLE_NAME = 'BLOCKS' and COLUMN_NAME = 'FRAME'";

    @Test
    void framesStoredAsBlobsAreConvertedAtStartAndReadBackUnchanged() {
        // Hibernate's schema makes the column a BLOB; every start converts it (ChainStore says why). Other tests
        // sharing this context may have done so already (run alone, this one is the first)
        store.useVaryingBinaryColumns();
        Block child = storeChildOfGenesis();
        byte[] frame = store.frame(child.hash()).orElseThrow();
        assertThat(jdbc.queryForObject(FRAME_TYPE, String.class)).isEqualTo("BINARY VARYING");
        jdbc.execute("alter table blocks alter column frame set data type blob"); // as an older version made it
        assertThat(jdbc.queryForObject(FRAME_TYPE, String.class)).isEqualTo("BINARY LARGE OBJECT");

        store.useVaryingBinaryColumns(); // what every start does
        store.useVaryingBinaryColumns(); // and again: nothing left to do

        assertThat(jdbc.queryForObject(FRAME_TYPE, String.class)).isEqualTo("BINARY VARYING");
        assertThat(store.frame(child.hash())).hasValueSatisfying(read -> assertThat(read).isEqualTo(frame));
        assertThat(store.block(child.hash())).contains(child);
    }
}
