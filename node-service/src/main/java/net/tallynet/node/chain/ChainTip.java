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

    /**
     * The best block whose unspent outputs the {@code utxos} table holds ({@link CoinsCache}): the table is
     * written in batches, so it may lag the tip; always this block or an ancestor of the tip. Null in a
     * store written before the cache: the table was written with every block, so it is the tip.
     */
    @Column(name = "coins_hash", length = 64)
    private String coinsHash;

    protected ChainTip() {
    }

    ChainTip(String bestHash) {
        this.bestHash = bestHash;
        this.coinsHash = bestHash;
    }

    public String bestHash() {
        return bestHash;
    }

    void bestHash(String hash) {
        this.bestHash = hash;
    }

    String coinsHash() {
        return coinsHash != null ? coinsHash : bestHash;
    }

    void coinsHash(String hash) {
        this.coinsHash = hash;
    }
}
