package net.tallynet.node.chain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

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

    /** Cumulative work up to and including this block, as 64 hex digits (so text order is numeric order). */
    @Column(name = "chain_work", nullable = false, length = 64)
    private String chainWork;

    @Column(name = "main_chain", nullable = false)
    private boolean mainChain;

    @Column(name = "tx_count", nullable = false)
    private int txCount;

    @Lob
    @Column(nullable = false)
    private byte[] frame;

    protected StoredBlock() {
    }

    StoredBlock(String hash, long number, String previousHash, long time, String target, String chainWork, int txCount,
                byte[] frame) {
        this.hash = hash;
        this.number = number;
        this.previousHash = previousHash;
        this.time = time;
        this.target = target;
        this.chainWork = chainWork;
        this.txCount = txCount;
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
