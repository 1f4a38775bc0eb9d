package net.tallynet.node.chain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The single row naming the best block; moved in the same transaction as every connect and disconnect. */
@Entity
@Table(name = "chain_tip")
public class ChainTip {
    static final int ID = 1;

    @Id
    private int id = ID;

    @Column(name = "best_hash", nullable = false, length = 64)
    private String bestHash;

    protected ChainTip() {
    }

    ChainTip(String bestHash) {
        this.bestHash = bestHash;
    }

    public String bestHash() {
        return bestHash;
    }

    void bestHash(String hash) {
        this.bestHash = hash;
    }
}
