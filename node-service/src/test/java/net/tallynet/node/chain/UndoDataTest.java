package net.tallynet.node.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import net.tallynet.protocol.ledger.Utxo;
import org.junit.jupiter.api.Test;

/**
 * A block's undo data is one value in one row (BlockUndo says why): what it holds comes back whole, a damaged
 * value is said to be one, and a store written with a row per spent output is moved over at start.
 */
class UndoDataTest extends ChainStoreTest {
    private static final String BLOCK = "ab".repeat(32);
    private static final List<Utxo> SPENT = List.of(
            new Utxo("01".repeat(32), 0, "02".repeat(20), 50_000, 7, true),
            new Utxo("ff".repeat(32), 0xFFFF_FFFFL, "0a".repeat(20), Long.MAX_VALUE, 123_456_789L, false));

    @Test
    void undoDataComesBackAsWritten() {
        byte[] value = UndoCodec.encode(SPENT);

        assertThat(value).hasSize(5 + 2 * 73);
        // the layout stores on disk hold (the class comment): big-endian, 73 bytes an entry
        assertThat(java.util.HexFormat.of().formatHex(value)).startsWith("01" + "00000002" + "01".repeat(32) + "00000000"
                + "02".repeat(20) + "000000000000c350" + "0000000000000007" + "01" + "ff".repeat(32) + "ffffffff");
        assertThat(UndoCodec.decode(BLOCK, value)).isEqualTo(SPENT);
        assertThat(UndoCodec.decode(BLOCK, UndoCodec.encode(List.of()))).isEmpty();
    }

    @Test
    void aDamagedValueIsSaidToBeOne() {
        byte[] value = UndoCodec.encode(SPENT);

        assertThatThrownBy(() -> UndoCodec.decode(BLOCK, Arrays.copyOf(value, value.length - 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("undo data of block " + BLOCK + " is damaged");
        value[0] = 2; // a version this node does not know
        assertThatThrownBy(() -> UndoCodec.decode(BLOCK, value)).hasMessageContaining("damaged (version 2");
    }

    @Test
    void theValueIsAVaryingBinaryColumnNotALob() {
        assertThat(jdbc.queryForObject("select DATA_TYPE from INFORMATION_SCHEMA.COLUMNS"
                + " where TABLE_NAME = 'BLOCK_UNDO_DATA' and COLUMN_NAME = 'SPENT'", String.class)).isEqualTo("BINARY VARYING");
    }

    @Test
    void rowsPerSpentOutputOfAnOlderStoreAreMovedAtStart() {
        // the table as the older version's entity made it, with the undo data of two blocks
        jdbc.execute("create table block_undo (block_hash varchar(64) not null, tx_id varchar(64) not null,"
                + " output_index bigint not null, address varchar(40) not null, amount bigint not null,"
                + " height bigint not null, coinbase boolean not null, primary key (block_hash, output_index, tx_id))");
        String other = "cd".repeat(32);
        for (Utxo utxo : SPENT) {
            jdbc.update("insert into block_undo values (?, ?, ?, ?, ?, ?, ?)", BLOCK, utxo.txId(), utxo.index(),
                    utxo.address(), utxo.amount(), utxo.height(), utxo.coinbase());
        }
        jdbc.update("insert into block_undo values (?, ?, ?, ?, ?, ?, ?)", other, "03".repeat(32), 1, "04".repeat(20), 9, 2, false);
        // more blocks than one batch of the move writes
        jdbc.batchUpdate("insert into block_undo values (?, ?, ?, ?, ?, ?, ?)", java.util.stream.IntStream.range(0, 1001)
                .mapToObj(i -> new Object[] {String.format("%064x", i + 1), "05".repeat(32), 0, "06".repeat(20), i, 3, false})
                .toList());
        // a move cut short once (H2 commits before the DROP): this block's value is there already, and moved again
        jdbc.update("insert into block_undo_data values (?, ?)", BLOCK, UndoCodec.encode(SPENT.subList(0, 1)));

        store.upgradeUndoRows(); // what every start does
        store.upgradeUndoRows(); // and again: nothing left to do

        assertThat(store.spentBy(BLOCK)).containsExactlyInAnyOrderElementsOf(SPENT);
        assertThat(store.spentBy(other)).containsExactly(new Utxo("03".repeat(32), 1, "04".repeat(20), 9, 2, false));
        assertThat(store.spentBy("ee".repeat(32))).isEmpty();
        assertThat(store.spentBy(String.format("%064x", 1001))).containsExactly(new Utxo("05".repeat(32), 0, "06".repeat(20), 1000, 3, false));
        assertThat(blocksWithUndoData()).isEqualTo(2 + 1001);
        assertThat(jdbc.queryForObject("select count(*) from INFORMATION_SCHEMA.TABLES where TABLE_NAME = 'BLOCK_UNDO'",
                Integer.class)).isZero();
    }
}
