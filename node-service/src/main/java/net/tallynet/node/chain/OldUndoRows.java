package net.tallynet.node.chain;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.protocol.ledger.Utxo;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The undo data of a store written before it was one value per block ({@link BlockUndo}): a row per spent
 * output in {@code block_undo}, moved block by block into {@code block_undo_data}, then the old table
 * dropped (ddl-auto creates tables but never drops one). Read in block order and written in batches, so a
 * long chain's undo data never has to fit in the heap at once.
 */
final class OldUndoRows implements RowCallbackHandler {
    private static final int BATCH_BLOCKS = 1000;

    private final JdbcTemplate jdbc;
    private final List<Object[]> batch = new ArrayList<>();
    private final List<Utxo> spent = new ArrayList<>();
    private String block;
    private int blocks;

    private OldUndoRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Whether the old table is there, in the connection's own schema. */
    static boolean present(JdbcTemplate jdbc) {
        return Boolean.TRUE.equals(jdbc.execute((ConnectionCallback<Boolean>) c -> {
            String escape = c.getMetaData().getSearchStringEscape(); // "_" alone would match any character
            for (String name : List.of("BLOCK_UNDO", "block_undo")) { // as H2 and as PostgreSQL name it
                try (var tables = c.getMetaData().getTables(null, c.getSchema(), name.replace("_", escape + "_"),
                        new String[] {"TABLE"})) {
                    if (tables.next()) {
                        return true;
                    }
                }
            }
            return false;
        }));
    }

    /** Moves every block's rows and drops the old table, on the caller's transaction; the number of blocks moved. */
    static int move(JdbcTemplate jdbc) {
        // H2 commits the open transaction before a DROP: if the drop then failed, the rows moved so far are
        // committed and the old table still there, and the next start moves them again, over its own
        jdbc.update("delete from block_undo_data where block_hash in (select block_hash from block_undo)");
        OldUndoRows rows = new OldUndoRows(jdbc);
        jdbc.query("select block_hash, tx_id, output_index, address, amount, height, coinbase from block_undo"
                + " order by block_hash", rows);
        rows.endBlock();
        rows.write();
        jdbc.execute("drop table block_undo");
        return rows.blocks;
    }

    @Override
    public void processRow(ResultSet rs) throws SQLException {
        String hash = rs.getString(1);
        if (!hash.equals(block)) {
            endBlock();
            block = hash;
        }
        spent.add(new Utxo(rs.getString(2), rs.getLong(3), rs.getString(4), rs.getLong(5), rs.getLong(6), rs.getBoolean(7)));
    }

    private void endBlock() {
        if (block == null) {
            return;
        }
        batch.add(new Object[] {block, UndoCodec.encode(spent)});
        spent.clear();
        blocks++;
        if (batch.size() == BATCH_BLOCKS) {
            write();
        }
    }

    private void write() {
        if (!batch.isEmpty()) {
            jdbc.batchUpdate(BlockRows.UNDO, batch);
            batch.clear();
        }
    }
}
