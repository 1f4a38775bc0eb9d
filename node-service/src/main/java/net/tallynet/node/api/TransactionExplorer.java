package net.tallynet.node.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.chain.StoredBlock;
import net.tallynet.node.chain.TxLocation;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.ledger.TxOutput;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/transactions/{id}}: a transaction with what an explorer shows beside it: where it
 * is (mempool or a block), its confirmations, the outputs its inputs spend and so its fee. Each
 * input's output is looked up in the mempool or through the transaction index; a block read once
 * serves every input that spends from it, so a request costs at most one read per distinct block.
 */
@Component
class TransactionExplorer {

    /**
     * @param spent the output each input spends, in input order (none for a coinbase); null where it is not known
     *              (spent from a block this node no longer has)
     * @param fee   inputs less outputs; null for a coinbase, or when an input's output is not known
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TransactionView(String status, String blockHash, Long blockNumber, Long confirmations, Long fee,
                           List<TxOutput> spent,
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
        Optional<Transaction> pooled = mempool.find(id);
        if (pooled.isPresent()) {
            Transaction tx = pooled.get();
            List<TxOutput> spent = spentBy(tx);
            return new TransactionView("mempool", null, null, 0L, fee(tx, spent), spent, codec.toJson(tx));
        }
        TxLocation location = store.locate(id).orElseThrow(() -> new NoSuchElementException("no transaction " + id));
        Block block = store.block(location.blockHash()).orElseThrow(() -> new NoSuchElementException("no transaction " + id));
        Transaction tx = block.transactions().get(location.position());
        StoredBlock tip = store.tip();
        boolean onBestChain = store.mainChainAt(block.number()).map(b -> b.hash().equals(block.hash())).orElse(false);
        List<TxOutput> spent = spentBy(tx);
        return new TransactionView("confirmed", block.hash(), block.number(),
                onBestChain ? tip.number() - block.number() + 1 : 0L, fee(tx, spent), spent, codec.toJson(tx));
    }

    private List<TxOutput> spentBy(Transaction tx) {
        if (tx.isCoinbase()) {
            return List.of();
        }
        Map<String, Optional<Block>> blocks = new HashMap<>();
        List<TxOutput> spent = new ArrayList<>(tx.inputs().size());
        for (TxInput input : tx.inputs()) {
            spent.add(output(input, blocks));
        }
        return spent;
    }

    private TxOutput output(TxInput input, Map<String, Optional<Block>> blocks) {
        Optional<Transaction> source = mempool.find(input.txId());
        if (source.isEmpty()) {
            Optional<TxLocation> location = store.locate(input.txId());
            if (location.isEmpty()) {
                return null;
            }
            source = blocks.computeIfAbsent(location.get().blockHash(), store::block)
                    .map(block -> block.transactions().get(location.get().position()));
        }
        return source.filter(tx -> input.index() < tx.outputs().size())
                .map(tx -> tx.outputs().get((int) input.index())).orElse(null);
    }

    private static Long fee(Transaction tx, List<TxOutput> spent) {
        if (tx.isCoinbase() || spent.contains(null)) {
            return null;
        }
        long in = spent.stream().mapToLong(TxOutput::amount).sum();
        return in - tx.outputs().stream().mapToLong(TxOutput::amount).sum();
    }
}
