package net.tallynet.node.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.chain.TxLocation;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.ledger.TxOutput;
import net.tallynet.protocol.ledger.Utxo;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/transactions/{id}}: a transaction with what an explorer shows beside it: where it
 * is (mempool or a block), its confirmations, the outputs its inputs spend and so its fee. The spent
 * outputs of a confirmed transaction come from its block's undo data (one query, however many
 * inputs), or from the block itself for outputs created and spent within it; those of a pooled
 * transaction from the unspent outputs and the pool. A block off the best chain has no undo data:
 * its transactions' spent outputs and fee are then unknown.
 */
@Component
class TransactionExplorer {

    /**
     * @param spent the output each input spends, in input order (none for a coinbase); null where it is not known
     *              (spent from a block this node no longer has)
     * @param fee   inputs less outputs; null for a coinbase, or when an input's output is not known
     * @param pooledAt when this node pooled a transaction still in its mempool (first seen here): null once confirmed
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TransactionView(String status, String blockHash, Long blockNumber, Long confirmations, Long fee,
                           List<TxOutput> spent, Instant pooledAt,
                           @Schema(type = "object", description = "the transaction in its wire JSON form (PROTOCOL.md 5.2)")
                           @JsonRawValue String transaction) {
    }

    private final ChainStore store;
    private final Mempool mempool;
    private final FrameCodec codec;

    TransactionExplorer(ChainStore store, Mempool mempool, FrameCodec codec) {
        this.store = store;
        this.mempool = mempool;
        this.codec = codec;
    }

    TransactionView find(String id) {
        Optional<Mempool.Entry> pooled = mempool.entry(id);
        if (pooled.isPresent()) {
            Transaction tx = pooled.get().tx();
            List<TxOutput> spent = spent(tx, input -> store.find(input.txId(), input.index()).map(TransactionExplorer::output)
                    .or(() -> mempool.find(input.txId()).flatMap(parent -> output(parent, input.index()))));
            return new TransactionView("mempool", null, null, 0L, fee(tx, spent), spent,
                    Instant.ofEpochMilli(pooled.get().pooledAt()), codec.toJson(tx));
        }
        TxLocation location = store.locate(id).orElseThrow(() -> new NoSuchElementException("no transaction " + id));
        Block block = store.block(location.blockHash()).orElseThrow(() -> new NoSuchElementException("no transaction " + id));
        Transaction tx = block.transactions().get(location.position());
        boolean onBestChain = store.mainChainNumberOf(block.hash()).isPresent();
        Map<String, Transaction> inBlock = new HashMap<>();
        block.transactions().forEach(t -> inBlock.put(t.id(), t));
        Map<String, TxOutput> undone = new HashMap<>();
        if (!tx.isCoinbase() && onBestChain) {
            store.spentBy(block.hash()).forEach(u -> undone.put(u.txId() + ":" + u.index(), output(u)));
        }
        List<TxOutput> spent = spent(tx, input -> Optional.ofNullable(undone.get(input.txId() + ":" + input.index()))
                .or(() -> Optional.ofNullable(inBlock.get(input.txId())).flatMap(parent -> output(parent, input.index()))));
        return new TransactionView("confirmed", block.hash(), block.number(),
                onBestChain ? store.tip().number() - block.number() + 1 : 0L, fee(tx, spent), spent, null, codec.toJson(tx));
    }

    /** The output each input spends, in input order; null where {@code lookup} does not know it. */
    private static List<TxOutput> spent(Transaction tx, Function<TxInput, Optional<TxOutput>> lookup) {
        if (tx.isCoinbase()) {
            return List.of();
        }
        List<TxOutput> spent = new ArrayList<>(tx.inputs().size());
        for (TxInput input : tx.inputs()) {
            spent.add(lookup.apply(input).orElse(null));
        }
        return spent;
    }

    private static TxOutput output(Utxo utxo) {
        return new TxOutput(utxo.address(), utxo.amount());
    }

    private static Optional<TxOutput> output(Transaction tx, long index) {
        return index < tx.outputs().size() ? Optional.of(tx.outputs().get((int) index)) : Optional.empty();
    }

    private static Long fee(Transaction tx, List<TxOutput> spent) {
        if (tx.isCoinbase() || spent.contains(null)) {
            return null;
        }
        long in = spent.stream().mapToLong(TxOutput::amount).sum();
        return in - tx.outputs().stream().mapToLong(TxOutput::amount).sum();
    }
}
