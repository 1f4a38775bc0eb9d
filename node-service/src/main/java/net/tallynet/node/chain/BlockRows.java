package net.tallynet.node.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Utxo;
import net.tallynet.protocol.message.BlockRef;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The rows that storing a new block and connecting a block write, as plain JDBC (batches where there are
 * many) on the caller's transaction: the block's row; then its undo data, best-chain flag and the tip; and,
 * when the coins cache is flushed, the transaction index ({@link PendingLocations}). The tables are the entities' ({@link StoredBlock}, {@link BlockUndo}, {@link TxLocation},
 * {@link ChainTip}), which everything else still reads and writes through JPA. Writing these through JPA cost
 * more than the database did: a profile of a syncing node found Hibernate's flush, its persist events and the
 * translation of the best-chain update's JPQL (done again at every execution) at about two thirds of a
 * connect, for rows nothing reads back in the same transaction. Plain SQL, so any database JPA is configured
 * for works.
 */
final class BlockRows {
    private static final String BLOCK = "insert into blocks (hash, number, previous_hash, time, target, merkle_root, nonce,"
            + " chain_work, main_chain, tx_count, frame) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String MOVE_TIP = "update chain_tip set best_hash = ? where id = ? and best_hash = ?";
    /** A block's undo data ({@link UndoCodec}); also what {@link OldUndoRows} writes. */
    static final String UNDO = "insert into block_undo_data (block_hash, spent) values (?, ?)";
    private static final String READ_UNDO = "select spent from block_undo_data where block_hash = ?";
    private static final String DELETE_UNDO = "delete from block_undo_data where block_hash = ?";
    private static final String LOCATION = "insert into transactions (tx_id, block_hash, position) values (?, ?, ?)";
    private static final String FORGET_LOCATION = "delete from transactions where tx_id = ?";
    private static final String IS_LOCATED = "select 1 from transactions where tx_id = ?";
    private static final String MAIN_CHAIN = "update blocks set main_chain = true where hash = ?";

    private static final String FRAME = "select frame from blocks where hash = ?";
    private static final String MAIN_CHAIN_REFS = "select number, hash, previous_hash, merkle_root, time, target, nonce"
            + " from blocks where main_chain = true and number between ? and ? order by number";
    private static final String MAIN_CHAIN_HASH = "select hash from blocks where main_chain = true and number = ?";
    private static final String MAIN_CHAIN_NUMBER = "select number from blocks where hash = ? and main_chain = true";
    private static final String HIGHEST_MAIN_CHAIN = "select hash from blocks where main_chain = true order by number desc limit 1";
    private static final String SET_TIP = "update chain_tip set best_hash = ? where id = ?";
    private static final String DELETE_UNSTORED_UNDO =
            "delete from block_undo_data u where not exists (select 1 from blocks b where b.hash = u.block_hash)";
    private static final String DELETE_UNSTORED_LOCATIONS =
            "delete from transactions t where not exists (select 1 from blocks b where b.hash = t.block_hash)";

    private final JdbcTemplate jdbc;

    BlockRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A stored block's frame. Serving a sync reads one per block: through a Spring Data query it cost the
     * serving node about three times the read itself (the repository proxies, Hibernate's query plan and
     * result handling, the read-only transaction), two thirds of its answer time in a profile.
     */
    Optional<byte[]> frame(String hash) {
        return jdbc.query(FRAME, rs -> rs.next() ? Optional.of(rs.getBytes(1)) : Optional.<byte[]>empty(), hash);
    }

    /**
     * Best-chain references from {@code from} to {@code to}, in chain order, read without a block body. A peer's
     * first GETLISTOFBLOCKS made a node that had never served one compile the JPQL query and map its 2,000 rows
     * through Hibernate: about 0.4 s of a new member's wait for its first list in a profile of a sync.
     */
    List<BlockRef> mainChainRefs(long from, long to) {
        return jdbc.query(MAIN_CHAIN_REFS, (rs, row) -> new BlockRef(rs.getLong(1), rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getLong(5), rs.getString(6), nonce(rs.getObject(7, Long.class), rs.getString(2))),
                from, to);
    }

    /**
     * A row's nonce, which rows of old versions lack until {@code ChainStore.completeHeaders} fills it at start: read
     * as 0 it would send a header that hashes to another block, so a missing one fails the read instead.
     */
    private static long nonce(Long nonce, String hash) {
        if (nonce == null) {
            throw new IllegalStateException("block " + hash + " has no nonce in its row");
        }
        return nonce;
    }

    /** The hash of the best-chain block numbered {@code number} (locators, when not cached). */
    Optional<String> mainChainHashAt(long number) {
        return jdbc.query(MAIN_CHAIN_HASH, rs -> rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty(), number);
    }

    /** The hash of the highest block flagged on the best chain, if any. */
    Optional<String> highestMainChainHash() {
        return jdbc.query(HIGHEST_MAIN_CHAIN, rs -> rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty());
    }

    /**
     * Sets the tip's row to {@code hash}, whatever it named, and deletes the undo data and transaction locations
     * of blocks not stored (a flush may have written them after the lost block connected): connecting such a
     * block again, from the journal, would find its rows taken. Start-up repair only ({@link ChainStore#recoverCoins}).
     */
    void setTipAndForgetUnstoredRows(String hash) {
        jdbc.update(SET_TIP, hash, ChainTip.ID);
        jdbc.update(DELETE_UNSTORED_UNDO);
        jdbc.update(DELETE_UNSTORED_LOCATIONS);
    }

    /** The number of the block {@code hash} if it is on the best chain (each list served, each compact block served). */
    Optional<Long> mainChainNumberOf(String hash) {
        return jdbc.query(MAIN_CHAIN_NUMBER, rs -> rs.next() ? Optional.of(rs.getLong(1)) : Optional.<Long>empty(), hash);
    }

    /** The outputs a best-chain block spent (its undo data); none for a block that spent none, or is off the best chain. */
    List<Utxo> spentBy(String blockHash) {
        return jdbc.query(READ_UNDO, rs -> rs.next() ? UndoCodec.decode(blockHash, rs.getBytes(1)) : List.<Utxo>of(), blockHash);
    }

    /** Deletes a block's undo data, as it leaves the best chain. */
    void forgetSpent(String blockHash) {
        jdbc.update(DELETE_UNDO, blockHash);
    }

    /**
     * Inserts a block not stored before; its header. Off the best chain ({@link #connect} puts it there), or, when
     * {@code mainChain}, flagged on it already for a {@link #connect} in the same transaction (one update less).
     */
    StoredHeader insert(Block block, String chainWork, byte[] frame, boolean mainChain) {
        jdbc.update(BLOCK, block.hash(), block.number(), block.previousHash(), block.time(), block.target(),
                block.merkleRoot(), block.nonce(), chainWork, mainChain, block.transactions().size(), frame);
        return new StoredHeader(block.hash(), block.previousHash(), block.number(), block.time(), block.target(),
                block.merkleRoot(), block.nonce(), chainWork, block.transactions().size());
    }

    /** Inserts transaction locations (none of them in the table), in one batch. */
    void locate(List<Map.Entry<String, PendingLocations.Location>> located) {
        List<Object[]> batch = new ArrayList<>(located.size());
        for (var entry : located) {
            batch.add(new Object[] {entry.getKey(), entry.getValue().blockHash(), entry.getValue().position()});
        }
        jdbc.batchUpdate(LOCATION, batch);
    }

    /** Whether the table locates this transaction. */
    boolean located(String txId) {
        return !jdbc.queryForList(IS_LOCATED, Integer.class, txId).isEmpty();
    }

    /** Deletes the locations of {@code block}'s transactions, if the table has them. */
    void forgetLocations(Block block) {
        jdbc.batchUpdate(FORGET_LOCATION, block.transactions().stream().map(tx -> new Object[] {tx.id()}).toList());
    }

    /**
     * Writes {@code block}'s rows, {@code spent} being the outputs it spends; fails, writing nothing that
     * commits, unless the block's parent is the tip (checked by the tip's own update, so no read first).
     * {@code flag}: set its best-chain flag (false when {@link #insert} set it in this transaction).
     */
    void connect(Block block, List<Utxo> spent, boolean flag) {
        if (jdbc.update(MOVE_TIP, block.hash(), ChainTip.ID, block.previousHash()) != 1) {
            throw new IllegalStateException("block " + block.hash() + " does not extend the tip");
        }
        if (!spent.isEmpty()) {
            jdbc.update(UNDO, block.hash(), UndoCodec.encode(spent));
        }
        if (flag && jdbc.update(MAIN_CHAIN, block.hash()) != 1) {
            throw new IllegalStateException("block " + block.hash() + " has no row to connect"); // nothing commits
        }
    }
}
