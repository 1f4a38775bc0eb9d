package net.tallynet.protocol.ledger;

/** An unspent output: where it is, whom it pays, and when it was created (for coinbase maturity). */
public record Utxo(String txId, long index, String address, long amount, long height, boolean coinbase) {
}
