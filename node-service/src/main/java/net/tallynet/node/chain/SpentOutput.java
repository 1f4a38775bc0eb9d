package net.tallynet.node.chain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.io.Serializable;
import net.tallynet.protocol.ledger.Utxo;

/** Undo data: an output a best-chain block spent, restored if that block is disconnected. */
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

    @Column(nullable = false, length = 40)
    private String address;

    @Column(nullable = false)
    private long amount;

    @Column(nullable = false)
    private long height;

    @Column(nullable = false)
    private boolean coinbase;

    protected SpentOutput() {
    }

    SpentOutput(String blockHash, Utxo utxo) {
        this.blockHash = blockHash;
        this.txId = utxo.txId();
        this.outputIndex = utxo.index();
        this.address = utxo.address();
        this.amount = utxo.amount();
        this.height = utxo.height();
        this.coinbase = utxo.coinbase();
    }

    Utxo toUtxo() {
        return new Utxo(txId, outputIndex, address, amount, height, coinbase);
    }

    @Override
    public SpentOutput.Key getId() {
        return new Key(blockHash, txId, outputIndex);
    }
}
