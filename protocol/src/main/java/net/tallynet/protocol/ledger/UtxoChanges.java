package net.tallynet.protocol.ledger;

import java.util.List;

/**
 * What connecting a block does to the unspent outputs. {@code spent} is the undo data: to
 * disconnect the block, delete {@code created} and restore {@code spent}.
 */
public record UtxoChanges(List<Utxo> spent, List<Utxo> created, long fees) {

    public UtxoChanges {
        spent = List.copyOf(spent);
        created = List.copyOf(created);
    }
}
