package net.tallynet.node.chain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.tallynet.protocol.codec.DecodeResult;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.Utxo;
import net.tallynet.protocol.ledger.UtxoChanges;
import net.tallynet.protocol.ledger.UtxoView;
import net.tallynet.protocol.message.BlockMessage;
import net.tallynet.protocol.message.BlockRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The chain on disk. Blocks are kept as their canonical BLOCK frames and read back through the
 * peer layer's strict codec (a block this node can receive, it can store). Connecting or disconnecting a block is one database transaction covering the
 * unspent outputs, the undo data, the transaction index and the tip, so a crash at any moment
 * leaves a consistent chain to resume from.
 */
@Repository
public class ChainStore implements UtxoView {
    private static final Logger log = LoggerFactory.getLogger(ChainStore.class);
    private final BlockRepository blocks;
    private final UtxoRepository utxos;
    private final UndoRepository undo;
    private final TxLocationRepository transactions;
    private final ChainTipRepository tips;
    private final FrameCodec codec;
    private final JdbcTemplate jdbc;
    /**
     * Bumped once a transaction that moved the tip has ended (committed or not): a cached tip read at an
     * older count is read again. The tip is asked for on every list served, every REST {@code /api/chain}
     * and every block checked, and reading it loads its whole stored frame.
     */
    private final AtomicLong tipMoves = new AtomicLong();
    private volatile CachedTip cachedTip;
    /** Whether the store is H2 ({@link #flush}); asked once. */
    private volatile Boolean h2;

    /** The tip as read when {@link #tipMoves} was {@code moves}. */
    private record CachedTip(long moves, StoredBlock block) {
    }

    public ChainStore(BlockRepository blocks, UtxoRepository utxos, UndoRepository undo,
                      TxLocationRepository transactions, ChainTipRepository tips, FrameCodec codec, JdbcTemplate jdbc) {
        this.blocks = blocks;
        this.utxos = utxos;
        this.undo = undo;
        this.transactions = transactions;
        this.tips = tips;
        this.codec = codec;
        this.jdbc = jdbc;
    }

    /** Records a block that passed the arrival checks; it joins the best chain only through {@link #connect}. */
    @Transactional
    public StoredBlock store(Block block, String chainWork) {
        return store(block, chainWork, encode(block));
    }

    /** As {@link #store(Block, String)}, with the block's frame already encoded ({@link #encode}). */
    @Transactional
    public StoredBlock store(Block block, String chainWork, byte[] frame) {
        return blocks.findById(block.hash()).orElseGet(() -> blocks.save(new StoredBlock(block, chainWork, frame)));
    }

    /** The frame a block is stored as (and journaled as, {@link BlockJournal}). */
    public byte[] encode(Block block) {
        return codec.encodeToBytes(new BlockMessage(block));
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

    /** Makes {@code block} (a child of the tip) the new tip: spends, creates, keeps undo data. */
    @Transactional
    public void connect(Block block, UtxoChanges changes) {
        ChainTip tip = tips.findById(ChainTip.ID).orElseThrow();
        if (!block.previousHash().equals(tip.bestHash())) {
            throw new IllegalStateException("block " + block.hash() + " does not extend the tip " + tip.bestHash());
        }
        utxos.deleteAllByIdInBatch(changes.spent().stream().map(u -> new Outpoint(u.txId(), u.index())).toList());
        utxos.saveAll(changes.created().stream().map(StoredUtxo::new).toList());
        undo.saveAll(changes.spent().stream().map(u -> new SpentOutput(block.hash(), u)).toList());
        List<TxLocation> locations = new ArrayList<>();
        for (int i = 0; i < block.transactions().size(); i++) {
            locations.add(new TxLocation(block.transactions().get(i).id(), block.hash(), i));
        }
        transactions.saveAll(locations);
        blocks.findById(block.hash()).orElseThrow().mainChain(true);
        tip.bestHash(block.hash());
        tipMovesOnceEnded();
    }

    /** Takes the tip off the best chain: deletes its outputs, restores what it spent, moves the tip to its parent. */
    @Transactional
    public void disconnect(Block block) {
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
        utxos.deleteAllByIdInBatch(created);
        List<SpentOutput> spent = undo.findByBlockHash(block.hash());
        utxos.saveAll(spent.stream().map(s -> new StoredUtxo(s.toUtxo())).toList());
        undo.deleteByBlock(block.hash());
        transactions.deleteAllByIdInBatch(block.transactions().stream().map(Transaction::id).toList());
        blocks.findById(block.hash()).orElseThrow().mainChain(false);
        tip.bestHash(block.previousHash());
        tipMovesOnceEnded();
    }

    /**
     * An H2 store written before block frames were a varying binary column has them as a BLOB: converted
     * once, here, before anything reads them (ddl-auto adds columns but never changes a column's type).
     */
    public void upgradeFrameColumn() {
        List<String> types = jdbc.queryForList("select DATA_TYPE from INFORMATION_SCHEMA.COLUMNS"
                + " where TABLE_NAME = 'BLOCKS' and COLUMN_NAME = 'FRAME'", String.class);
        if (types.contains("BINARY LARGE OBJECT")) {
            log.info("converting the stored block frames from BLOB to VARBINARY (once, for a store written by an older version)");
            long started = System.nanoTime();
            jdbc.execute("alter table BLOCKS alter column FRAME set data type varbinary(" + StoredBlock.MAX_FRAME_COLUMN_BYTES + ")");
            log.info("block frames converted in {} ms", (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Starts an empty store at the genesis block (whose coinbase, paying 0 to nobody, creates nothing spendable). */
    @Transactional
    public void initialise(Block genesis, String work) {
        tipMovesOnceEnded(); // a tip read before this has no header columns filled, or is not there at all
        if (tips.existsById(ChainTip.ID)) {
            completeHeaders();
            return;
        }
        store(genesis, work).mainChain(true);
        tips.save(new ChainTip(genesis.hash()));
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
     * The best chain's tip. Read from the store only after the tip has moved: the block returned is
     * shared (detached), to be read, not changed. A tip read while a move commits is tagged with the count
     * before the move, so it is read again next time.
     */
    public StoredBlock tip() {
        long moves = tipMoves.get();
        CachedTip cached = cachedTip;
        if (cached != null && cached.moves() == moves) {
            return cached.block();
        }
        StoredBlock tip = blocks.findById(tips.findById(ChainTip.ID).orElseThrow().bestHash()).orElseThrow();
        cachedTip = new CachedTip(moves, tip);
        return tip;
    }

    private void tipMovesOnceEnded() {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                tipMoves.incrementAndGet();
            }
        });
    }

    @Transactional(readOnly = true)
    public Optional<StoredBlock> header(String hash) {
        return blocks.findById(hash);
    }

    /** Whether the block is stored, asked without loading it. */
    @Transactional(readOnly = true)
    public boolean has(String hash) {
        return blocks.existsById(hash);
    }

    @Transactional(readOnly = true)
    public Optional<Block> block(String hash) {
        return blocks.findById(hash).map(this::decode);
    }

    @Transactional(readOnly = true)
    public Optional<StoredBlock> mainChainAt(long number) {
        return blocks.findByNumberAndMainChainTrue(number);
    }

    /** Best-chain references from {@code from} to {@code to}, read without loading block bodies. */
    @Transactional(readOnly = true)
    public List<BlockRef> mainChainRefs(long from, long to) {
        return blocks.mainChainRefs(from, to);
    }

    /** Best-chain blocks from {@code from} to {@code to}, newest first, without their bodies. */
    @Transactional(readOnly = true)
    public List<BlockSummary> mainChainSummaries(long from, long to) {
        return blocks.mainChainSummaries(from, to);
    }

    @Transactional(readOnly = true)
    public Optional<String> mainChainHashAt(long number) {
        return blocks.mainChainHashAt(number);
    }

    /** The number of {@code hash} if it is on the best chain, read without loading the block. */
    @Transactional(readOnly = true)
    public Optional<Long> mainChainNumberOf(String hash) {
        return blocks.mainChainNumberOf(hash);
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
     * read without loading the rest of the row.
     */
    @Transactional(readOnly = true)
    public Optional<byte[]> frame(String hash) {
        return blocks.frameOf(hash).map(EncodedBlock::frame);
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<Utxo> find(String txId, long index) {
        return utxos.findById(new Outpoint(txId, index)).map(StoredUtxo::toUtxo);
    }

    /** Up to {@code limit} unspent outputs of {@code address}, largest first. */
    @Transactional(readOnly = true)
    public List<Utxo> unspentOf(String address, int limit) {
        return utxos.findByAddressLargestFirst(address, org.springframework.data.domain.PageRequest.of(0, limit))
                .stream().map(StoredUtxo::toUtxo).toList();
    }

    /** The outputs a best-chain block spent (its undo data), read in one query; none for a side-branch block. */
    @Transactional(readOnly = true)
    public List<Utxo> spentBy(String blockHash) {
        return undo.findByBlockHash(blockHash).stream().map(SpentOutput::toUtxo).toList();
    }

    @Transactional(readOnly = true)
    public Optional<TxLocation> locate(String txId) {
        return transactions.findById(txId);
    }

    /**
     * The outputs {@code block} spends that are unspent now, read in one query (not one per input):
     * the view its validation runs against. Outputs the block creates itself come from the validator.
     */
    @Transactional(readOnly = true)
    public UtxoView viewFor(Block block) {
        Map<String, Utxo> found = spentOutputs(block);
        return (txId, index) -> Optional.ofNullable(found.get(txId + ":" + index));
    }

    /**
     * The unspent outputs among those {@code block}'s inputs name, by outpoint. The query asks for the spent
     * indexes of the spent transactions, not for every output of each: a transaction with 10,000 outputs,
     * one of them spent, is one row, not 10,000 (review item 25); a row of the cross product that no input
     * names is dropped here.
     */
    Map<String, Utxo> spentOutputs(Block block) {
        Set<String> outpoints = new HashSet<>();
        Set<String> txIds = new HashSet<>();
        Set<Long> indexes = new HashSet<>();
        for (Transaction tx : block.transactions()) {
            for (var input : tx.inputs()) {
                if (!input.isCoinbase()) {
                    outpoints.add(input.txId() + ":" + input.index());
                    txIds.add(input.txId());
                    indexes.add(input.index());
                }
            }
        }
        Map<String, Utxo> found = new HashMap<>();
        if (!outpoints.isEmpty()) {
            for (StoredUtxo stored : utxos.findByTxIdsAndIndexes(txIds, indexes)) {
                Utxo utxo = stored.toUtxo();
                String outpoint = utxo.txId() + ":" + utxo.index();
                if (outpoints.contains(outpoint)) {
                    found.put(outpoint, utxo);
                }
            }
        }
        return found;
    }

    @Transactional(readOnly = true)
    public long balanceOf(String address) {
        return utxos.balanceOf(address);
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
        return doomed.size();
    }

    @Transactional(readOnly = true)
    public long utxoCount() {
        return utxos.count();
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
