package net.tallynet.node.chain;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import net.tallynet.protocol.ledger.Utxo;

/** What an unspent output holds, in its row. */
@Embeddable
public class OutputColumns {

    @Column(nullable = false, length = 40)
    private String address;

    @Column(nullable = false)
    private long amount;

    @Column(nullable = false)
    private long height;

    @Column(nullable = false)
    private boolean coinbase;

    protected OutputColumns() {
    }

    OutputColumns(Utxo utxo) {
        this.address = utxo.address();
        this.amount = utxo.amount();
        this.height = utxo.height();
        this.coinbase = utxo.coinbase();
    }

    Utxo toUtxo(String txId, long index) {
        return new Utxo(txId, index, address, amount, height, coinbase);
    }
}
