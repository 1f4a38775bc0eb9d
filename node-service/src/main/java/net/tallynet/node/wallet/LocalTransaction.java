package net.tallynet.node.wallet;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A transaction this node accepted from its own REST API (a payment, a raw submission), kept until a
 * block of the best chain carries it: the mempool lives in memory, and an accepted payment must not
 * vanish with a killed process.
 */
@Entity
@Table(name = "local_transactions")
public class LocalTransaction {
    /** Generous for a frame of one transaction; the frame limit bounds what is accepted anyway. */
    static final int MAX_FRAME_COLUMN_BYTES = 1 << 24;

    @Id
    @Column(name = "tx_id", length = 64)
    private String txId;

    /** The transaction as a PUSHTRANSACTION frame, read back through the peer layer's strict codec. */
    @Column(nullable = false, length = MAX_FRAME_COLUMN_BYTES)
    private byte[] frame;

    @Column(name = "accepted_at", nullable = false)
    private long acceptedAt;

    protected LocalTransaction() {
    }

    LocalTransaction(String txId, byte[] frame, long acceptedAt) {
        this.txId = txId;
        this.frame = frame;
        this.acceptedAt = acceptedAt;
    }

    String txId() {
        return txId;
    }

    byte[] frame() {
        return frame;
    }
}
