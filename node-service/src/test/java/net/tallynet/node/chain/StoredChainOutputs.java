package net.tallynet.node.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.Utxo;

/**
 * What the unspent outputs and the transaction index must be (every best-chain block applied from genesis), and
 * the checks against it.
 */
final class StoredChainOutputs {
    private StoredChainOutputs() {
    }

    /** Every best-chain block from genesis applied in order. */
    static Map<Outpoint, Utxo> implied(ChainStore store, Chain chain) {
        Map<Outpoint, Utxo> outputs = new HashMap<>();
        for (long number = 1; number <= chain.tip().number(); number++) {
            Block block = store.block(store.mainChainAt(number).orElseThrow().hash()).orElseThrow();
            for (int t = 0; t < block.transactions().size(); t++) {
                Transaction tx = block.transactions().get(t);
                tx.inputs().stream().filter(input -> !input.isCoinbase())
                        .forEach(input -> assertThat(outputs.remove(new Outpoint(input.txId(), input.index()))).isNotNull());
                Utxo.createdBy(tx, block.number(), t == 0).forEach(utxo -> outputs.put(CoinsCache.outpointOf(utxo), utxo));
            }
        }
        return outputs;
    }

    static Map<Outpoint, Utxo> tableRows(UtxoRepository utxos) {
        Map<Outpoint, Utxo> rows = new HashMap<>();
        utxos.findAll().forEach(row -> rows.put(row.getId(), row.toUtxo()));
        return rows;
    }

    /** A look-up of every output, and wallet queries (the table with the cache's changes laid over it), without a flush. */
    static void assertLookupsMatch(ChainStore store, Map<Outpoint, Utxo> implied) {
        implied.forEach((outpoint, utxo) ->
                assertThat(store.find(outpoint.txId(), outpoint.outputIndex())).as(outpoint.toString()).contains(utxo));
        Map<String, List<Utxo>> byAddress = new HashMap<>();
        implied.values().forEach(utxo -> byAddress.computeIfAbsent(utxo.address(), a -> new ArrayList<>()).add(utxo));
        byAddress.forEach((address, outputs) -> {
            assertThat(store.balanceOf(address)).as(address).isEqualTo(outputs.stream().mapToLong(Utxo::amount).sum());
            assertThat(store.unspentOf(address, 10_000)).as(address).containsExactlyInAnyOrderElementsOf(outputs);
        });
    }

    /** Where each best-chain transaction is, "block hash:position" by id. */
    static Map<String, String> impliedLocations(ChainStore store, Chain chain) {
        Map<String, String> locations = new HashMap<>();
        for (long number = 1; number <= chain.tip().number(); number++) { // genesis is stored, never connected
            Block block = store.block(store.mainChainAt(number).orElseThrow().hash()).orElseThrow();
            for (int t = 0; t < block.transactions().size(); t++) {
                locations.put(block.transactions().get(t).id(), block.hash() + ":" + t);
            }
        }
        return locations;
    }

    /** The {@code transactions} table, as {@link #impliedLocations}. */
    static Map<String, String> locationRows(TxLocationRepository transactions) {
        Map<String, String> rows = new HashMap<>();
        transactions.findAll().forEach(row -> rows.put(row.getId(), row.blockHash() + ":" + row.position()));
        return rows;
    }

    /**
     * The look-ups, then the tables (after a flush), all equal what the best chain implies: the unspent outputs
     * and the transaction index.
     */
    static void assertMatch(ChainStore store, Chain chain, UtxoRepository utxos, TxLocationRepository transactions) {
        Map<Outpoint, Utxo> implied = implied(store, chain);
        Map<String, String> located = impliedLocations(store, chain);
        assertLookupsMatch(store, implied);
        located.forEach((id, where) -> assertThat(store.locate(id).map(l -> l.blockHash() + ":" + l.position()))
                .as(id).contains(where));
        store.flushCoins();
        assertThat(tableRows(utxos)).isEqualTo(implied);
        assertThat(store.utxoCount()).isEqualTo(implied.size());
        assertThat(locationRows(transactions)).isEqualTo(located);
    }
}
