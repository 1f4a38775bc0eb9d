package net.tallynet.protocol.ledger;

import java.util.Optional;

/** The unspent outputs the rules see: the node implements it over its database, tests in memory. */
public interface UtxoView {

    Optional<Utxo> find(String txId, long index);
}
