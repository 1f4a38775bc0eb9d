package net.tallynet.node.chain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * Where a best-chain transaction is: for look-ups by id (GETBLOCK transactions, REST). Inserted by {@link BlockRows}
 * when the coins cache is flushed ({@link PendingLocations} holds it until then); read and deleted by {@link ChainStore}.
 */
@Entity
@Table(name = "transactions")
public class TxLocation extends NewEntity<String> {

    @Id
    @Column(name = "tx_id", length = 64)
    private String txId;

    @Column(name = "block_hash", nullable = false, length = 64)
    private String blockHash;

    @Column(nullable = false)
    private int position;

    protected TxLocation() {
    }

    /** A location not (yet) read from the table ({@link PendingLocations}). */
    TxLocation(String txId, String blockHash, int position) {
        this.txId = txId;
        this.blockHash = blockHash;
        this.position = position;
    }

    public String blockHash() {
        return blockHash;
    }

    public int position() {
        return position;
    }

    @Override
    public String getId() {
        return txId;
    }
}
