package net.tallynet.protocol.ledger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The chain's unspent outputs as a block sees them while its transactions are applied in order:
 * outputs created earlier in the block can be spent later in it, and nothing can be spent twice.
 */
final class BlockUtxoView implements UtxoView {
    private final UtxoView chain;
    private final Map<OutputKey, Utxo> created = new LinkedHashMap<>();
    private final Set<OutputKey> spent = new HashSet<>();
    private final List<Utxo> spentFromChain = new ArrayList<>();

    BlockUtxoView(UtxoView chain) {
        this.chain = chain;
    }

    @Override
    public Optional<Utxo> find(String txId, long index) {
        OutputKey key = key(txId, index);
        if (spent.contains(key)) {
            return Optional.empty();
        }
        Utxo fresh = created.get(key);
        return fresh != null ? Optional.of(fresh) : chain.find(txId, index);
    }

    boolean isSpent(String txId, long index) {
        return spent.contains(key(txId, index));
    }

    void spend(Utxo utxo) {
        OutputKey key = key(utxo.txId(), utxo.index());
        spent.add(key);
        // created and spent in the same block: it never reaches the chain, so there is nothing to undo
        if (created.remove(key) == null) {
            spentFromChain.add(utxo);
        }
    }

    void create(Utxo utxo) {
        created.put(key(utxo.txId(), utxo.index()), utxo);
    }

    UtxoChanges changes(long fees) {
        return new UtxoChanges(spentFromChain, new ArrayList<>(created.values()), fees);
    }

    private static OutputKey key(String txId, long index) {
        return new OutputKey(txId, index);
    }
}
