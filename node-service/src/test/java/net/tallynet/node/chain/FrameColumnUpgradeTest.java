package net.tallynet.node.chain;

import static org.assertj.core.api.Assertions.assertThat;

import net.tallynet.protocol.ledger.Block;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Block frames and undo data are varying binary columns, not LOBs (StoredBlock says why): a new store is made
 * so ({@link VaryingBinaryOnH2}), and one an older version made with BLOBs is converted at start, its blocks
 * unchanged. A context of its own: the schema is the one Hibernate has just made, which no other test changed.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
class FrameColumnUpgradeTest extends ChainStoreTest {
    private static final String FRAME_TYPE = "select DATA_TYPE from INFORMATION_SCHEMA.COLUMNS"
            + " where TABLE_NAME = 'BLOCKS' and COLUMN_NAME = 'FRAME'";
    private static final String UNDO_TYPE = "select DATA_TYPE from INFORMATION_SCHEMA.COLUMNS"
            + " where TABLE_NAME = 'BLOCK_UNDO_DATA' and COLUMN_NAME = 'SPENT'";

    @Test
    void aNewStoreHasVaryingBinaryColumnsAndBlobsAnOlderVersionMadeAreConverted() {
        // as Hibernate made them, before any conversion (it made BLOBs, which every new node converted)
        assertThat(jdbc.queryForObject(FRAME_TYPE, String.class)).isEqualTo("BINARY VARYING");
        assertThat(jdbc.queryForObject(UNDO_TYPE, String.class)).isEqualTo("BINARY VARYING");
        Block child = storeChildOfGenesis();
        byte[] frame = store.frame(child.hash()).orElseThrow();
        jdbc.execute("alter table blocks alter column frame set data type blob"); // as an older version made it
        assertThat(jdbc.queryForObject(FRAME_TYPE, String.class)).isEqualTo("BINARY LARGE OBJECT");

        store.useVaryingBinaryColumns(); // what every start does
        store.useVaryingBinaryColumns(); // and again: nothing left to do

        assertThat(jdbc.queryForObject(FRAME_TYPE, String.class)).isEqualTo("BINARY VARYING");
        assertThat(store.frame(child.hash())).hasValueSatisfying(read -> assertThat(read).isEqualTo(frame));
        assertThat(store.block(child.hash())).contains(child);
    }
}
