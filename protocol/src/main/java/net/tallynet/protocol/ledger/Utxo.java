package net.tallynet.protocol.ledger;

/** An unspent output: where it is, whom it pays, and when it was created (for coinbase maturity). */
public record Utxo(String txId, long index, String address, long amount, long height, boolean coinbase) {

    /** The outputs {@code tx} creates in block {@code height}, as connecting the block records them. */
    public static java.util.List<Utxo> createdBy(Transaction tx, long height, boolean coinbase) {
        java.util.List<Utxo> created = new java.util.ArrayList<>(tx.outputs().size());
        for (int i = 0; i < tx.outputs().size(); i++) {
            TxOutput output = tx.outputs().get(i);
            created.add(new Utxo(tx.id(), i, output.address(), output.amount(), height, coinbase));
        }
        return created;
    }
}
