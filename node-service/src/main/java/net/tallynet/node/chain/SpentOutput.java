package net.tallynet.node.chain;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.io.Serializable;
import net.tallynet.protocol.ledger.Utxo;

/**
 * Undo data: an output a best-chain block spent, restored if that block is disconnected. Inserted by {@link BlockRows}
 * as a block connects; read and deleted here.
 */
@Entity
@IdClass(SpentOutput.Key.class)
@Table(name = "block_undo", indexes = @Index(name = "ix_undo_block", columnList = "block_hash"))
public class SpentOutput extends NewEntity<SpentOutput.Key> {

    public record Key(String blockHash, String txId, long outputIndex) implements Serializable {
    }

    @Id
    @Column(name = "block_hash", length = 64)
    private String blockHash;

    @Id
    @Column(name = "tx_id", length = 64)
    private String txId;

    @Id
    @Column(name = "output_index")
    private long outputIndex;

    @Embedded
    private OutputColumns output;

    protected SpentOutput() {
    }

    Utxo toUtxo() {
        return output.toUtxo(txId, outputIndex);
    }

    @Override
    public SpentOutput.Key getId() {
        return new Key(blockHash, txId, outputIndex);
    }
}
