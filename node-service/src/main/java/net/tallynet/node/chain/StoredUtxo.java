package net.tallynet.node.chain;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import net.tallynet.protocol.ledger.Utxo;

/** An unspent output of the best chain. */
@Entity
@IdClass(Outpoint.class)
@Table(name = "utxos", indexes = @Index(name = "ix_utxos_address", columnList = "address"))
public class StoredUtxo extends NewEntity<Outpoint> {

    @Id
    @Column(name = "tx_id", length = 64)
    private String txId;

    @Id
    @Column(name = "output_index")
    private long outputIndex;

    @Embedded
    private OutputColumns output;

    protected StoredUtxo() {
    }

    StoredUtxo(Utxo utxo) {
        this.txId = utxo.txId();
        this.outputIndex = utxo.index();
        this.output = new OutputColumns(utxo);
    }

    public Utxo toUtxo() {
        return output.toUtxo(txId, outputIndex);
    }

    @Override
    public Outpoint getId() {
        return new Outpoint(txId, outputIndex);
    }
}
