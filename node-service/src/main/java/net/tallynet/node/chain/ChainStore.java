package net.tallynet.node.chain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import jakarta.annotation.PreDestroy;
import net.tallynet.protocol.codec.DecodeResult;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.codec.TransactionEncodings;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.Utxo;
import net.tallynet.protocol.ledger.UtxoChanges;
import net.tallynet.protocol.ledger.UtxoView;
import net.tallynet.protocol.message.BlockMessage;
import net.tallynet.protocol.message.BlockRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import net.tallynet.p2p.BoundedMaps;

/**
 * The chain on disk. Blocks are kept as their canonical BLOCK frames and read back through the
 * peer layer's strict codec (a block this node can receive, it can store). Connecting a block is one
 * database transaction covering the undo data and the tip; the unspent outputs it changes go to the
 * {@link CoinsCache} and its transaction index to {@link PendingLocations}, and both reach their tables in
 * batches ({@link #flushCoins}), each batch recording the block it brings the tables to. A crash at any moment leaves a consistent chain
 * to resume from: {@link #recoverCoins} applies the stored blocks after that point again. Disconnecting a
 * block (a reorganisation, rare) flushes first and then writes the table directly, so the recorded block is
 * always the tip or one of its ancestors.
 *
 * <p>Block headers (without bodies) are cached too ({@link #storedHeader}): checking a block reads its
 * parent and up to a retarget window of ancestors, which would otherwise be a query each.
 */
@Repository
public class ChainStore implements UtxoView {
    private static final Logger log = LoggerFactory.getLogger(ChainStore.class);
    private final BlockRepository blocks;
    private final UtxoRepository utxos;
    private final TxLocationRepository transactions;
    private final ChainTipRepository tips;
    private final FrameCodec codec;
    private final JdbcTemplate jdbc;
    private final BlockRows rows;
    /**
     * Bumped once a transaction that moved the tip has ended (committed or not): a cached tip read at an
     * older count is read again. The tip is asked for on every list served, every REST {@code /api/chain}
     * and every block checked, and reading it loads its whole stored frame.
     */
    private final AtomicLong tipMoves = new AtomicLong();
    private volatile CachedTip cachedTip;
    /** The best block's hash as the last committed move left it; null: read it from the store. */
    private volatile String knownBest;
    /** Outpoints per delete statement. */
    private static final int DELETE_BATCH = 500;
    /** Heights whose best-chain hash is kept in memory: a locator's 64 and the recent blocks, many times over. */
    private static final int MAIN_CHAIN_HASHES = 4096;
    /** The block the last flush recorded (null: unknown, flush even with no changes). */
    private String flushedCoinsAt;
    /** Whether the store is H2 ({@link #flush}); asked once. */
    private volatile Boolean h2;
    /**
     * Guarded by its own monitor, which is taken before any database connection is, with one exception: a
     * flush beside blocks ({@link #flushCoinsAside}) holds its connection while it waits for the monitor to
     * commit. Only one flush runs at a time ({@link #flushLock}) and nothing holding the monitor waits for that
     * flush, so waiting readers still cannot starve the pool.
     */
    private final CoinsCache coins;
    /** The transaction index not yet in its table; guarded by {@link #coins}'s monitor and flushed with it. */
    private final PendingLocations locations = new PendingLocations();
    private final Map<String, StoredHeader> headers;
    /** Bumped whenever blocks are forgotten (guarded by {@link #headers}): a header read before is not cached. */
    private long headersForgotten;
    /**
     * Best-chain hashes by height, recent and asked for (locators: {@code BlockSync.locator}); emptied by every
     * disconnect, whose generation count keeps a hash read before it from being cached after it.
     */
    private final Map<Long, String> mainChainHashes = BoundedMaps.evictingEldest(MAIN_CHAIN_HASHES, true);
    private long mainChainForgotten;
    private final TransactionTemplate transaction;
    /**
     * For the transaction that connects a block, which writes through plain JDBC alone ({@link BlockRows}): begun and
     * ended by a JDBC connection of its own rather than through Hibernate. A profile of a syncing node had the JPA
     * transaction's own work (a Hibernate session opened, flushed and closed around rows it never saw) at about a
     * third of a block's connect, nearly as much as the rows themselves. Guarded by {@link #coins}'s monitor.
     */
    private final BlockWriteConnection blockWrites;
    /** The highest block number stored (raised before each insert, never lowered); unknown (the maximum) until {@link #initialise}. */
    private final AtomicLong highestStored = new AtomicLong(Long.MAX_VALUE);
    private final PlatformTransactionManager transactionManager;
    /**
     * Held for a whole flush of the coins cache, taken before its monitor: one flush at a time, and a disconnect
     * or recovery (which write the table directly) never beside one.
     */
    private final ReentrantLock flushLock = new ReentrantLock();
    /** Tests: runs when a flush beside blocks has written its rows, before it commits them. */
    private volatile Runnable coinsWritten = () -> {
    };

    /** The tip as read when {@link #tipMoves} was {@code moves}. */
    private record CachedTip(long moves, StoredHeader header) {
    }

    public ChainStore(BlockRepository blocks, UtxoRepository utxos,
                      TxLocationRepository transactions, ChainTipRepository tips, FrameCodec codec, JdbcTemplate jdbc,
                      PlatformTransactionManager transactionManager, ChainProperties properties) {
        this.coins = new CoinsCache(properties.cachedCoins());
        this.headers = BoundedMaps.evictingEldest(properties.cachedHeaders(), true);
        this.transaction = new TransactionTemplate(transactionManager);
        this.blockWrites = new BlockWriteConnection(jdbc.getDataSource());
        this.transactionManager = transactionManager;
        this.blocks = blocks;
        this.utxos = utxos;
        this.transactions = transactions;
        this.tips = tips;
        this.codec = codec;
        this.jdbc = jdbc;
        this.rows = new BlockRows(jdbc);
    }

    /** Records a block that passed the arrival checks; it joins the best chain only through {@link #connect}. */
    @Transactional
    public StoredHeader store(Block block, String chainWork) {
        return store(block, chainWork, encode(block));
    }

    /** As {@link #store(Block, String)}, with the block's frame already encoded ({@link #encode}). */
    @Transactional
    public StoredHeader store(Block block, String chainWork, byte[] frame) {
        if (highestStored.get() < block.number()) {
            StoredHeader inserted = insertRow(rows, block, chainWork, frame, false); // above every stored block: new
            cacheOnceCommitted(inserted); // its child, next, asks for it as parent
            return inserted;
        }
        StoredHeader stored = blocks.findById(block.hash())
                .orElseGet(() -> blocks.save(new StoredBlock(block, chainWork, frame))).header();
        cacheOnceCommitted(stored); // its child, next, asks for it as parent
        return stored;
    }

    /**
     * Inserts the row of a block known not to be stored through {@code on}, with plain JDBC whatever its number: the
     * rows {@link #connect} writes next on the same transaction must find it, and a JPA persist would only be written
     * at the commit (a block numbered at or below a stored one, after a longer side branch or a forgotten one, was so
     * connected with its best-chain flag unset). Its header is the caller's to cache once the transaction commits.
     */
    private StoredHeader insertRow(BlockRows on, Block block, String chainWork, byte[] frame, boolean mainChain) {
        highestStored.getAndAccumulate(block.number(), Math::max); // before the insert: has() asks the table from now on
        return on.insert(block, chainWork, frame, mainChain);
    }

    /** The frame a block is stored as (and journaled as, {@link BlockJournal}). */
    public byte[] encode(Block block) {
        return encode(block, TransactionEncodings.NONE);
    }

    /** As {@link #encode(Block)}, copying the encodings {@code known} of its transactions ({@link #encode(Transaction)}). */
    public byte[] encode(Block block, TransactionEncodings known) {
        return codec.encodeToBytes(new BlockMessage(block), known);
    }

    /** A transaction as a block's frame carries it: what {@link #encode(Block, TransactionEncodings)} copies. */
    public byte[] encode(Transaction tx) {
        return codec.encodeTransaction(tx);
    }

    /** A block from a frame written by {@link #encode}. */
    public Block decodeFrame(byte[] frame) {
        return decode(frame, "a journaled block frame");
    }

    /**
     * Writes everything committed to the database's file. H2 does so in the background within its write
     * delay; CHECKPOINT does it now. Other databases make each commit durable themselves (and PostgreSQL's
     * CHECKPOINT is for superusers), so this is H2's alone. With {@code toDevice}, the file is also forced to
     * the device (against a power cut, not only a killed process).
     */
    public void flush(boolean toDevice) {
        if (isH2()) {
            jdbc.execute(toDevice ? "CHECKPOINT SYNC" : "CHECKPOINT");
        }
    }

    private boolean isH2() {
        Boolean known = h2;
        if (known == null) {
            known = "H2".equals(jdbc.execute((ConnectionCallback<String>) c -> c.getMetaData().getDatabaseProductName()));
            h2 = known;
        }
        return known;
    }

    /**
     * Makes {@code block} (a child of the tip) the new tip: keeps its undo data and moves the tip in one
     * transaction, then applies its spends, outputs and transaction index to the caches (flushed when full).
     */
    public void connect(Block block, UtxoChanges changes) {
        connect(block, changes, null, null);
    }

    /**
     * {@link #store(Block, String, byte[])} and {@link #connect(Block, UtxoChanges)} of a new child of the tip in
     * one transaction, the usual block; either both commit or neither. A fresh node's first 2,000 empty blocks
     * took about 16% less time so than in two transactions (five runs of each); warm, the two did not differ
     * measurably: the rows, not the transactions, are the cost then.
     */
    public void storeAndConnect(Block block, String chainWork, byte[] frame, UtxoChanges changes) {
        connect(block, changes, chainWork, frame); // Chain found it not stored, holding itself
    }

    /** Connects {@code block}, inserting its row first (already on the best chain) when {@code newFrame} is given. */
    private void connect(Block block, UtxoChanges changes, String newChainWork, byte[] newFrame) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            // its rows would commit on a connection of their own whatever the caller's transaction does, unseen by
            // it, and wait for any lock it holds on the tip's row
            throw new IllegalStateException("a block is connected in a transaction of its own, not inside another");
        }
        if (coinsFull()) {
            flushCoins(); // before, not after: a failed flush must leave the block unconnected
        }
        synchronized (coins) {
            long generation = mainChainGeneration();
            long headerGeneration = headerGeneration();
            try {
                StoredHeader inserted = blockWrites.inTransaction(on -> {
                    StoredHeader header = newFrame == null ? null : insertRow(on, block, newChainWork, newFrame, true);
                    on.connect(block, changes.spent(), newFrame == null);
                    return header;
                });
                // committed: what the transactions of the other writes do once they commit (tipMovesOnceEnded)
                if (inserted != null) {
                    cacheHeader(inserted, headerGeneration); // its child, next, asks for it as parent
                }
                knownBest = block.hash();
                rememberMainChain(block.number(), block.hash(), generation);
            } finally {
                tipMoves.incrementAndGet(); // committed or not, a tip cached before is read again
            }
            coins.connect(block.hash(), changes.spent(), changes.created());
            locations.connect(block);
        }
    }

    /** Gives the connection blocks are connected on back to the pool, before the pool closes. */
    @PreDestroy
    void close() {
        synchronized (coins) {
            blockWrites.close();
        }
    }

    /**
     * Takes the tip off the best chain: deletes its outputs, restores what it spent, moves the tip to its
     * parent. The cache is flushed first and the table written directly, in the same transaction as the tip.
     */
    public void disconnect(Block block) {
        flushLock.lock();
        try {
            disconnectFlushed(block);
        } finally {
            flushLock.unlock();
        }
    }

    private void disconnectFlushed(Block block) {
        synchronized (coins) {
            flushCoinsAside(); // holding the monitor, so the whole flush does
            List<Outpoint> touched = new ArrayList<>();
            transaction.executeWithoutResult(status -> {
                ChainTip tip = tips.findById(ChainTip.ID).orElseThrow();
                if (!block.hash().equals(tip.bestHash())) {
                    throw new IllegalStateException("only the tip can be disconnected, not " + block.hash());
                }
                List<Outpoint> created = new ArrayList<>();
                for (Transaction tx : block.transactions()) {
                    for (int i = 0; i < tx.outputs().size(); i++) {
                        created.add(new Outpoint(tx.id(), i));
                    }
                }
                deleteUtxos(created);
                List<StoredUtxo> restored = rows.spentBy(block.hash()).stream().map(StoredUtxo::new).toList();
                utxos.saveAll(restored);
                rows.forgetSpent(block.hash());
                // the flush above wrote the block's locations: none is pending
                transactions.deleteAllByIdInBatch(block.transactions().stream().map(Transaction::id).toList());
                blocks.markMainChain(block.hash(), false);
                tip.bestHash(block.previousHash());
                tip.coinsHash(block.previousHash());
                tipMovesOnceEnded(block.previousHash());
                forgetMainChainOnceEnded();
                touched.addAll(created);
                restored.forEach(r -> touched.add(r.getId()));
            });
            coins.forget(touched);
            coins.appliedTip(block.previousHash());
        }
    }

    /**
     * Writes the cache's changes to the {@code utxos} table in one transaction with the block they bring it
     * to; the cache keeps what is still unspent, clean. Called when the cache is full, at every journal
     * checkpoint, at shutdown and before a block is disconnected (queries by address lay the cache's changes
     * over the table instead, {@link #unspentOf}).
     */
    public void flushCoins() {
        flushLock.lock();
        try {
            flushCoinsAside();
        } finally {
            flushLock.unlock();
        }
    }

    /** Whether the caches hold changes the tables lack. */
    public boolean coinsToFlush() {
        synchronized (coins) {
            return coins.dirtyCount() > 0 || locations.size() > 0;
        }
    }

    /**
     * The changes the caches hold and the tables lack (unspent outputs added or spent, transaction locations), those
     * a flush is writing included. Read without the caches' lock, which a reorganisation's flush holds for seconds: a
     * metrics scrape must not wait for it, and a count a moment old is what a gauge is.
     */
    public long coinsUnflushed() {
        return (long) coins.unflushed() + locations.unflushed();
    }

    /** Whether the cache's share for changes is full, pending locations counted as changes (alike in size). */
    private boolean coinsFull() {
        synchronized (coins) {
            return coins.full(locations.size());
        }
    }

    /**
     * A flush that does not stop blocks (holding {@link #flushLock}): the changes are set aside, written without
     * the cache's monitor (blocks connect and readers read meanwhile, seeing both layers), and only the record of
     * the block they bring the table to, the commit and the folding back happen holding it. A disconnect and
     * recovery call it holding the monitor already (reentrant): for them the whole flush holds it. Readers hold the
     * monitor for a whole read, so each sees the table either before the commit with the layer set aside, or
     * after it without. The journal checkpoint's flush, a second or more of rows for large blocks, held every
     * block arriving meanwhile for all of it.
     */
    private void flushCoinsAside() {
        String appliedTip;
        List<Map.Entry<Outpoint, CoinsCache.Dirty>> changes;
        List<Map.Entry<String, PendingLocations.Location>> located;
        synchronized (coins) {
            appliedTip = coins.appliedTip();
            if (appliedTip == null || (coins.dirtyCount() == 0 && locations.size() == 0
                    && appliedTip.equals(flushedCoinsAt))) {
                return; // nothing new, and the table's record is up to date
            }
            changes = coins.beginFlush();
            located = locations.beginFlush();
        }
        long started = System.nanoTime();
        TransactionStatus status = null;
        boolean written = false;
        try {
            // inside the try: a transaction that cannot begin (no connection) must put the layers back too, or every
            // later flush would find one in progress and no block could connect once the cache is full
            status = transactionManager.getTransaction(TransactionDefinition.withDefaults());
            writeCoins(changes);
            rows.locate(located);
            utxos.flush(); // the inserts now, not at the commit below: the monitor is held for the commit alone
            coinsWritten.run();
            synchronized (coins) {
                tips.recordCoinsAt(ChainTip.ID, appliedTip); // the tip's row: connects update it holding the monitor too
                transactionManager.commit(status);
                written = true;
                coins.endFlush(true);
                locations.endFlush(true);
                flushedCoinsAt = appliedTip;
            }
        } finally {
            if (!written) {
                try {
                    if (status != null && !status.isCompleted()) {
                        transactionManager.rollback(status);
                    }
                } finally {
                    // even if the rollback failed too (a lost connection): the layer must not stay set aside, or
                    // a later flush would record a block past changes never written
                    synchronized (coins) {
                        coins.endFlush(false);
                        locations.endFlush(false);
                    }
                }
            }
        }
        log.debug("coins flushed beside blocks: {} changes and {} locations in {} ms", changes.size(), located.size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** The cache's changes as rows: spent (or, rarely, re-created) ones deleted, unspent ones inserted. */
    private void writeCoins(List<Map.Entry<Outpoint, CoinsCache.Dirty>> changes) {
        List<Outpoint> stale = new ArrayList<>();
        List<StoredUtxo> unspent = new ArrayList<>();
        for (var change : changes) {
            if (!change.getValue().fresh()) {
                stale.add(change.getKey()); // spent, or (rarely) created over a row still there
            }
            if (!change.getValue().spent()) {
                unspent.add(new StoredUtxo(change.getValue().utxo()));
            }
        }
        deleteUtxos(stale);
        utxos.saveAll(unspent);
    }

    /**
     * The outputs {@code block} leaves unspent, as connecting it recorded them: an output a later transaction of
     * the same block spends is in neither its undo data nor what it created.
     */
    private static List<Utxo> createdAndUnspent(Block block) {
        Set<Outpoint> spentInBlock = new HashSet<>();
        block.transactions().forEach(tx -> tx.inputs().stream().filter(input -> !input.isCoinbase())
                .forEach(input -> spentInBlock.add(new Outpoint(input.txId(), input.index()))));
        List<Utxo> created = new ArrayList<>();
        for (int i = 0; i < block.transactions().size(); i++) {
            for (Utxo utxo : Utxo.createdBy(block.transactions().get(i), block.number(), i == 0)) {
                if (!spentInBlock.contains(CoinsCache.outpointOf(utxo))) {
                    created.add(utxo);
                }
            }
        }
        return created;
    }

    /** Deletes rows by outpoint, a bounded number per statement (one statement per row would be slower still). */
    private void deleteUtxos(List<Outpoint> outpoints) {
        for (int from = 0; from < outpoints.size(); from += DELETE_BATCH) {
            utxos.deleteAllByIdInBatch(outpoints.subList(from, Math.min(outpoints.size(), from + DELETE_BATCH)));
        }
    }

    /**
     * At start-up: brings the {@code utxos} and {@code transactions} tables from the block their last flush
     * recorded up to the tip, from the stored blocks and their undo data (a kill lost the caches' changes since
     * that flush). The recorded
     * block is always the tip or one of its ancestors ({@link #disconnect} flushes first); a store where it is
     * not (none written by this version) is rebuilt from genesis.
     */
    public void recoverCoins() {
        flushLock.lock();
        try {
            recoverCoinsFlushed();
        } finally {
            flushLock.unlock();
        }
    }

    private void recoverCoinsFlushed() {
        synchronized (coins) {
            coins.clear();
            locations.clear();
            ChainTip tip = tips.findById(ChainTip.ID).orElseThrow();
            String from = tip.coinsHash();
            StoredHeader best = storedHeader(tip.bestHash()).orElseGet(() -> tipBackToStoredBlocks(tip.bestHash()));
            Optional<Long> start = rows.mainChainNumberOf(from);
            if (start.isEmpty()) {
                log.warn("the unspent outputs were last written at block {}, not on the best chain: rebuilding them from genesis", from);
                transaction.executeWithoutResult(status -> utxos.deleteAllInBatch());
            }
            long first = start.map(n -> n + 1).orElse(1L);
            // genesis creates nothing spendable: a rebuilt table starts empty, at genesis
            coins.appliedTip(start.isPresent() ? from : rows.mainChainHashAt(0).orElseThrow());
            if (first <= best.number()) {
                log.info("unspent outputs: applying blocks #{} to #{} again (written to the database only in batches)",
                        first, best.number());
            }
            long lastLine = System.nanoTime();
            for (long number = first; number <= best.number(); number++) {
                StoredBlock stored = blocks.findByNumberAndMainChainTrue(number).orElseThrow();
                Block block = decode(stored);
                coins.connect(block.hash(), spentBy(block.hash()), createdAndUnspent(block));
                if (rows.located(block.transactions().getFirst().id())) {
                    rows.forgetLocations(block); // written by a version that indexed blocks as they connected
                }
                locations.connect(block);
                if (coins.full(locations.size())) {
                    flushCoinsAside(); // holding the monitor, so the whole flush does
                }
                if (System.nanoTime() - lastLine > 5_000_000_000L) {
                    log.info("unspent outputs: block #{} of {}", number, best.number());
                    lastLine = System.nanoTime();
                }
            }
            flushedCoinsAt = null;
            flushCoinsAside(); // holding the monitor, so the whole flush does
        }
    }

    /**
     * The tip's row names a block the store lacks: seen once, in the crash campaign, after a kill during a run of
     * generated blocks. One transaction writes a block's row and moves the tip ({@link #storeAndConnect}), yet the
     * move survived the kill and the row did not: H2 can write its file in the middle of a commit. A row left
     * marked uncommitted is committed before the store is read ({@code UncommittedEntrySweep}); one the file never
     * got (its table's tree taken before the insert, the undo log after the commit) is what this repairs. The node
     * then refused to start. Now the
     * tip goes back to the highest block stored on the best chain (its flag is written with its row, so that is the
     * lost block's parent), the lost blocks' undo data and transaction locations go too, and the block journal
     * gives back what followed (7.8), as after any kill; what it no longer holds, peers give back by sync. However
     * far back that is, a node that starts is better than one that cannot.
     */
    private StoredHeader tipBackToStoredBlocks(String missing) {
        String hash = rows.highestMainChainHash().orElseThrow(() ->
                new IllegalStateException("the tip's row names block " + missing + ", which is not stored, nor is any best-chain block"));
        StoredHeader header = storedHeader(hash).orElseThrow();
        log.warn("the tip's row names block {}, which is not stored: the tip goes back to the highest best-chain block"
                + " stored, {} #{}; the block journal gives back what followed it", missing, hash, header.number());
        transaction.executeWithoutResult(status -> rows.setTipAndForgetUnstoredRows(hash));
        knownBest = null;
        tipMoves.incrementAndGet();
        return header;
    }

    /**
     * Block frames and undo data are varying binary columns, not LOBs ({@link StoredBlock} says why). A new store
     * is made so ({@link VaryingBinaryOnH2}), but versions before that made them BLOBs (Hibernate's H2 dialect does
     * for a byte array longer than 1 MiB), and ddl-auto adds columns but never changes a column's type: on H2, a
     * store such a version made is converted here, before anything reads it.
     */
    public void useVaryingBinaryColumns() {
        for (String[] column : new String[][] {{"BLOCKS", "FRAME"}, {"BLOCK_UNDO_DATA", "SPENT"}}) {
            List<String> types = jdbc.queryForList("select DATA_TYPE from INFORMATION_SCHEMA.COLUMNS"
                    + " where TABLE_NAME = ? and COLUMN_NAME = ?", String.class, column[0], column[1]);
            if (types.contains("BINARY LARGE OBJECT")) {
                long started = System.nanoTime();
                jdbc.execute("alter table " + column[0] + " alter column " + column[1] + " set data type varbinary("
                        + StoredBlock.MAX_FRAME_COLUMN_BYTES + ")");
                log.info("{}.{} converted from BLOB to VARBINARY in {} ms", column[0], column[1],
                        (System.nanoTime() - started) / 1_000_000);
            }
        }
    }

    /**
     * A store written before a block's undo data was one value kept it as a row per spent output: moved over
     * once, here ({@link OldUndoRows}), in one transaction.
     */
    public void upgradeUndoRows() {
        if (!OldUndoRows.present(jdbc)) {
            return;
        }
        log.info("moving the stored undo data from a row per spent output to a value per block (once, for a store"
                + " written by an older version)");
        long started = System.nanoTime();
        int blocks = transaction.execute(status -> OldUndoRows.move(jdbc));
        log.info("undo data of {} blocks moved in {} ms", blocks, (System.nanoTime() - started) / 1_000_000);
    }

    /** Starts an empty store at the genesis block (whose coinbase, paying 0 to nobody, creates nothing spendable). */
    @Transactional
    public void initialise(Block genesis, String work) {
        tipMovesOnceEnded(null); // a tip read before this has no header columns filled, or is not there at all
        if (tips.existsById(ChainTip.ID)) {
            completeHeaders();
        } else {
            store(genesis, work);
            blocks.markMainChain(genesis.hash(), true);
            tips.save(new ChainTip(genesis.hash()));
        }
        highestStored.set(blocks.highestNumber().orElse(0L));
    }

    /**
     * A store written before blocks kept their merkle root and nonce gains the columns empty: they are
     * read back from each block's frame once, here, so every stored block can be listed as a header.
     */
    private void completeHeaders() {
        List<String> incomplete = blocks.hashesWithoutFullHeader();
        if (incomplete.isEmpty()) {
            return;
        }
        log.info("filling the header columns of {} blocks stored by an older version", incomplete.size());
        for (String hash : incomplete) {
            StoredBlock stored = blocks.findById(hash).orElseThrow();
            stored.completeHeader(decode(stored));
        }
    }

    /**
     * The best chain's tip, without its body: the hash the last committed move left (read from the store when
     * that is unknown), its header from the header cache. A tip read while a move commits is tagged with the count
     * before the move, so it is read again next time.
     */
    public StoredHeader tip() {
        long moves = tipMoves.get();
        CachedTip cached = cachedTip;
        if (cached != null && cached.moves() == moves) {
            return cached.header();
        }
        String best = knownBest;
        StoredHeader tip = storedHeader(best != null ? best : tips.findById(ChainTip.ID).orElseThrow().bestHash()).orElseThrow();
        cachedTip = new CachedTip(moves, tip);
        return tip;
    }

    /**
     * Once the transaction moving the tip to {@code best} (null: unknown, read it) has committed, that is the
     * tip; once it has ended either way, a tip cached before is read again. Spring runs every afterCommit
     * before any afterCompletion, so a reader never caches the old tip under the new count.
     */
    private void tipMovesOnceEnded(String best) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                knownBest = best;
            }

            @Override
            public void afterCompletion(int status) {
                tipMoves.incrementAndGet();
            }
        });
    }

    /**
     * As {@link #has(String)} for a block whose number is known: a block numbered above every stored one (a new
     * tip, the usual case for a relayed block) is answered without a query; a relayed block asked this two or
     * three times on its way took as many queries of its hop's time.
     */
    public boolean has(String hash, long number) {
        return number <= highestStored.get() && has(hash);
    }

    /**
     * Whether the block is stored: a cached header says so at once, else one indexed query, in plain JDBC (every
     * new block and every header of a list asks this, and a JPA query with its transaction cost several times
     * as much).
     */
    public boolean has(String hash) {
        synchronized (headers) {
            if (headers.containsKey(hash)) {
                return true;
            }
        }
        return !jdbc.queryForList("select 1 from blocks where hash = ?", Integer.class, hash).isEmpty();
    }

    @Transactional(readOnly = true)
    public Optional<Block> block(String hash) {
        return blocks.findById(hash).map(this::decode);
    }

    @Transactional(readOnly = true)
    public Optional<StoredBlock> mainChainAt(long number) {
        return blocks.findByNumberAndMainChainTrue(number);
    }

    /** Best-chain references from {@code from} to {@code to}, read without loading block bodies; one select, plain JDBC. */
    public List<BlockRef> mainChainRefs(long from, long to) {
        return rows.mainChainRefs(from, to);
    }

    /** Best-chain blocks from {@code from} to {@code to}, newest first, without their bodies. */
    @Transactional(readOnly = true)
    public List<BlockSummary> mainChainSummaries(long from, long to) {
        return blocks.mainChainSummaries(from, to);
    }

    public Optional<String> mainChainHashAt(long number) { // no transaction: most answers come from memory
        long generation;
        synchronized (mainChainHashes) {
            String cached = mainChainHashes.get(number);
            if (cached != null) {
                return Optional.of(cached);
            }
            generation = mainChainForgotten;
        }
        Optional<String> hash = rows.mainChainHashAt(number);
        hash.ifPresent(h -> rememberMainChain(number, h, generation));
        return hash;
    }

    /** Caches a height's hash read before a disconnect could have changed it (the generation says). */
    private void rememberMainChain(long number, String hash, long generation) {
        synchronized (mainChainHashes) {
            if (generation == mainChainForgotten) {
                mainChainHashes.put(number, hash);
            }
        }
    }

    /** The number of {@code hash} if it is on the best chain, read without loading the block; one select, plain JDBC. */
    public Optional<Long> mainChainNumberOf(String hash) {
        return rows.mainChainNumberOf(hash);
    }

    /** Where the stored block {@code hash} sits (parent, number, work, best chain or not), without its body. */
    @Transactional(readOnly = true)
    public Optional<BranchLink> link(String hash) {
        return blocks.link(hash);
    }

    @Transactional(readOnly = true)
    public Optional<String> mainChainWorkAt(long number) {
        return blocks.mainChainWorkAt(number);
    }

    /**
     * A stored block's BLOCK frame, exactly as it is sent (blocks are stored as their canonical frame),
     * read without loading the rest of the row; one select, with no transaction or JPA query around it.
     */
    public Optional<byte[]> frame(String hash) {
        return rows.frame(hash);
    }

    /** An unspent output of the best chain, from the cache or else the table (and then cached). */
    @Override
    public Optional<Utxo> find(String txId, long index) {
        Outpoint outpoint = new Outpoint(txId, index);
        synchronized (coins) {
            CoinsCache.Known known = coins.get(outpoint);
            if (known != null) {
                return known.utxo();
            }
            Optional<Utxo> read = utxos.findById(outpoint).map(StoredUtxo::toUtxo);
            read.ifPresent(coins::read);
            return read;
        }
    }

    /** Up to {@code limit} unspent outputs of {@code address}, largest first: the table's, with the cache's changes laid over. */
    public List<Utxo> unspentOf(String address, int limit) {
        synchronized (coins) {
            CoinsCache.AddressChanges changes = coins.changesOf(address);
            Set<Outpoint> spent = new HashSet<>();
            changes.spentFromTable().forEach(utxo -> spent.add(CoinsCache.outpointOf(utxo)));
            Map<Outpoint, Utxo> found = new HashMap<>();
            // as many more rows as the cache may strike out, so that {@code limit} are left
            utxos.findByAddressLargestFirst(address, PageRequest.of(0, limit + spent.size())).stream()
                    .map(StoredUtxo::toUtxo).forEach(utxo -> found.put(CoinsCache.outpointOf(utxo), utxo));
            spent.forEach(found::remove);
            changes.unspentNotInTable().forEach(utxo -> found.put(CoinsCache.outpointOf(utxo), utxo));
            return found.values().stream().sorted(Comparator.comparingLong(Utxo::amount).reversed()).limit(limit).toList();
        }
    }

    /** The outputs a best-chain block spent (its undo data), read in one query; none for a side-branch block. */
    public List<Utxo> spentBy(String blockHash) {
        return rows.spentBy(blockHash);
    }

    /**
     * Where a best-chain transaction is: from the locations not yet flushed, else the table. Memory is read holding
     * the cache's monitor, the table after it is let go: peers make the node ask this for up to 1,000 ids a message,
     * which must not queue behind connects and flushes for a query each. In that order nothing is missed: a flush
     * commits its rows and drops its layer in one step under the monitor, so a location not in memory at the look
     * is in the table already, or belongs to a block connected since (as if asked a moment earlier).
     */
    public Optional<TxLocation> locate(String txId) {
        PendingLocations.Location pending;
        synchronized (coins) {
            pending = locations.get(txId);
        }
        if (pending != null) {
            return Optional.of(new TxLocation(txId, pending.blockHash(), pending.position()));
        }
        return transactions.findById(txId);
    }

    /**
     * The outputs {@code block} spends that are unspent now, read in one query (not one per input):
     * the view its validation runs against. Outputs the block creates itself come from the validator.
     */
    public UtxoView viewFor(Block block) {
        Map<Outpoint, Utxo> found = spentOutputs(block);
        return (txId, index) -> Optional.ofNullable(found.get(new Outpoint(txId, index)));
    }

    /**
     * The unspent outputs among those {@code block}'s inputs name, by outpoint: from the cache, and those it
     * does not know from the table in one query (not one per input). The query asks for the spent indexes of
     * the spent transactions, not for every output of each: a transaction with 10,000 outputs, one of them
     * spent, is one row, not 10,000 (review item 25); a row of the cross product that no input names is
     * dropped here.
     */
    Map<Outpoint, Utxo> spentOutputs(Block block) {
        Map<Outpoint, Utxo> found = new HashMap<>();
        Set<Outpoint> missing = new HashSet<>();
        Set<String> txIds = new HashSet<>();
        Set<Long> indexes = new HashSet<>();
        synchronized (coins) {
            for (Transaction tx : block.transactions()) {
                for (var input : tx.inputs()) {
                    if (input.isCoinbase()) {
                        continue;
                    }
                    Outpoint outpoint = new Outpoint(input.txId(), input.index());
                    CoinsCache.Known known = coins.get(outpoint);
                    if (known != null) {
                        known.utxo().ifPresent(utxo -> found.put(outpoint, utxo));
                    } else if (missing.add(outpoint)) {
                        txIds.add(input.txId());
                        indexes.add(input.index());
                    }
                }
            }
            if (!missing.isEmpty()) {
                for (StoredUtxo stored : utxos.findByTxIdsAndIndexes(txIds, indexes)) {
                    Utxo utxo = stored.toUtxo();
                    Outpoint outpoint = CoinsCache.outpointOf(utxo);
                    if (missing.contains(outpoint)) {
                        found.put(outpoint, utxo);
                        coins.read(utxo);
                    }
                }
            }
        }
        return found;
    }

    /** The sum of {@code address}'s unspent outputs: the table's, with the cache's changes laid over. */
    public long balanceOf(String address) {
        synchronized (coins) {
            CoinsCache.AddressChanges changes = coins.changesOf(address);
            return utxos.balanceOf(address) - changes.spentFromTable().stream().mapToLong(Utxo::amount).sum()
                    + changes.unspentNotInTable().stream().mapToLong(Utxo::amount).sum();
        }
    }

    /** The stored block with the most cumulative work (the tip, unless a better branch is waiting to be connected). */
    @Transactional(readOnly = true)
    public StoredBlock mostWork() {
        return blocks.findFirstByOrderByChainWorkDesc().orElseThrow();
    }

    /** Forgets a block found invalid when connecting it, and every stored descendant: none can ever be connected. */
    @Transactional
    public int forget(String hash) {
        List<String> doomed = new ArrayList<>(List.of(hash));
        for (int i = 0; i < doomed.size(); i++) {
            blocks.findByPreviousHash(doomed.get(i)).forEach(child -> doomed.add(child.hash()));
        }
        blocks.deleteAllByIdInBatch(doomed);
        forgetHeaders(doomed);
        return doomed.size();
    }

    public long utxoCount() {
        flushCoins();
        return utxos.count();
    }

    /**
     * A stored block's header, from the header cache or else the store (without its body; then cached).
     * Headers never change once stored; a block forgotten ({@link #forget}) leaves the cache with it.
     */
    public Optional<StoredHeader> storedHeader(String hash) {
        long generation;
        synchronized (headers) {
            StoredHeader cached = headers.get(hash);
            if (cached != null) {
                return Optional.of(cached);
            }
            generation = headersForgotten;
        }
        Optional<StoredHeader> read = blocks.headerOf(hash);
        read.ifPresent(header -> {
            synchronized (headers) {
                // a block forgotten since the read began may be what was read: not cached then
                if (generation == headersForgotten) {
                    headers.put(hash, header);
                }
            }
        });
        return read;
    }

    /** Caches a header once the transaction storing its block has committed (not before: it may roll back). */
    private void cacheOnceCommitted(StoredHeader header) {
        long generation = headerGeneration();
        Runnable put = () -> cacheHeader(header, generation);
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            put.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                put.run();
            }
        });
    }

    private long headerGeneration() {
        synchronized (headers) {
            return headersForgotten;
        }
    }

    /** Caches a header stored while no block was forgotten since {@code generation} (else it may be one of them). */
    private void cacheHeader(StoredHeader header, long generation) {
        synchronized (headers) {
            if (generation == headersForgotten) {
                headers.put(header.hash(), header);
            }
        }
    }

    /** Drops forgotten blocks' headers, now and once their deletion has ended, and refuses reads begun before. */
    private void forgetHeaders(List<String> hashes) {
        Runnable drop = () -> {
            synchronized (headers) {
                headersForgotten++;
                hashes.forEach(headers::remove);
            }
        };
        drop.run();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    drop.run();
                }
            });
        }
    }

    private long mainChainGeneration() {
        synchronized (mainChainHashes) {
            return mainChainForgotten;
        }
    }

    /** A disconnect, committed or not, may have changed what a height's hash is: every cached one goes. */
    private void forgetMainChainOnceEnded() {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                forgetMainChain();
            }
        });
    }

    private void forgetMainChain() {
        synchronized (mainChainHashes) {
            mainChainHashes.clear();
            mainChainForgotten++;
        }
    }

    /** Tests: {@code hook} runs in each flush beside blocks once its rows are written, before their commit. */
    void whileCoinsWritten(Runnable hook) {
        coinsWritten = hook;
    }

    /** Empties both caches, for tests that empty the tables under the store. */
    void forgetCaches() {
        forgetMainChain();
        knownBest = null;
        tipMoves.incrementAndGet();
        flushLock.lock();
        try {
            synchronized (coins) {
                coins.clear();
                locations.clear();
                flushedCoinsAt = null;
            }
        } finally {
            flushLock.unlock();
        }
        synchronized (headers) {
            headers.clear();
        }
    }

    private Block decode(StoredBlock stored) {
        return decode(stored.frame(), "stored block " + stored.hash());
    }

    private Block decode(byte[] frame, String what) {
        if (codec.decode(frame) instanceof DecodeResult.Decoded(BlockMessage message)) {
            return message.block();
        }
        throw new IllegalStateException(what + " does not decode");
    }
}
