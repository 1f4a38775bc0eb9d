package net.tallynet.node.chain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.message.BlockRef;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A block the node has accepted as valid on arrival, on the best chain or not. The header is kept
 * in columns for chain walking; the whole block is kept as its canonical BLOCK frame.
 */
@Entity
@Table(name = "blocks", indexes = {
        @Index(name = "ix_blocks_main_number", columnList = "main_chain, number"),
        @Index(name = "ix_blocks_previous", columnList = "previous_hash")})
public class StoredBlock extends NewEntity<String> {

    @Id
    @Column(length = 64)
    private String hash;

    @Column(nullable = false)
    private long number;

    @Column(name = "previous_hash", nullable = false, length = 64)
    private String previousHash;

    @Column(nullable = false)
    private long time;

    @Column(nullable = false, length = 64)
    private String target;

    // merkle root and nonce complete the header that LISTOFBLOCKS carries (headers first, PROTOCOL.md 7.7).
    // Nullable only because stores written before them gain the columns empty; ChainStore fills them at start.
    @Column(name = "merkle_root", length = 64)
    private String merkleRoot;

    @Column
    private Long nonce;

    /** Cumulative work up to and including this block, as 64 hex digits (so text order is numeric order). */
    @Column(name = "chain_work", nullable = false, length = 64)
    private String chainWork;

    @Column(name = "main_chain", nullable = false)
    private boolean mainChain;

    @Column(name = "tx_count", nullable = false)
    private int txCount;

    /**
     * A varying binary column, not a LOB: H2 copies a LOB into a temporary one for every query that returns
     * it and keeps a reference to it for LOB_TIMEOUT, so under a flood of GETBLOCKs each answer cost
     * writes to the store and garbage that lived long enough to fill the old generation. The length is
     * H2's largest ({@link VaryingBinaryOnH2}; PostgreSQL makes it {@code bytea}); frames are bounded by the frame
     * limit anyway.
     */
    @JdbcTypeCode(SqlTypes.VARBINARY) // not the BLOB Hibernate makes of so long a byte array (VaryingBinaryOnH2)
    @Column(nullable = false, length = MAX_FRAME_COLUMN_BYTES)
    private byte[] frame;

    static final int MAX_FRAME_COLUMN_BYTES = 1_000_000_000;

    protected StoredBlock() {
    }

    StoredBlock(Block block, String chainWork, byte[] frame) {
        this.hash = block.hash();
        this.number = block.number();
        this.previousHash = block.previousHash();
        this.time = block.time();
        this.target = block.target();
        this.merkleRoot = block.merkleRoot();
        this.nonce = block.nonce();
        this.chainWork = chainWork;
        this.txCount = block.transactions().size();
        this.frame = frame;
    }

    public String hash() {
        return hash;
    }

    public long number() {
        return number;
    }

    public String previousHash() {
        return previousHash;
    }

    public long time() {
        return time;
    }

    public String target() {
        return target;
    }

    /** The header and work, without the body. */
    public StoredHeader header() {
        return new StoredHeader(hash, previousHash, number, time, target, merkleRoot, nonce, chainWork, txCount);
    }

    /** The header as LISTOFBLOCKS lists it. */
    public BlockRef ref() {
        return header().ref();
    }

    /** Fills the header columns a store written before them lacks. */
    void completeHeader(Block block) {
        this.merkleRoot = block.merkleRoot();
        this.nonce = block.nonce();
    }

    public String chainWork() {
        return chainWork;
    }

    public boolean mainChain() {
        return mainChain;
    }

    public int txCount() {
        return txCount;
    }

    byte[] frame() {
        return frame;
    }

    void mainChain(boolean onMainChain) {
        this.mainChain = onMainChain;
    }

    @Override
    public String getId() {
        return hash;
    }
}
