package net.tallynet.node.mining;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.node.chain.Chain;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.BlockValidator;
import net.tallynet.protocol.ledger.CanonicalEncoding;
import net.tallynet.protocol.ledger.ChainParams;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.ledger.TxOutput;

/** Builds the next block to mine on the current tip: the best-paying mempool transactions and a coinbase. */
public class BlockAssembler {
    /** Room kept for the header and the coinbase. */
    private static final int RESERVED_BYTES = 1000;

    private final Chain chain;
    private final Mempool mempool;
    private final ChainParams params;
    private final Clock clock;

    public BlockAssembler(Chain chain, Mempool mempool, ChainParams params, Clock clock) {
        this.chain = chain;
        this.mempool = mempool;
        this.params = params;
        this.clock = clock;
    }

    /** What the next block would carry: the mempool's best fee rates that fit (the dashboard's projection too). */
    public List<Mempool.Entry> nextTransactions() {
        return mempool.select(params.maxBlockBytes() - CanonicalEncoding.HEADER_BYTES - RESERVED_BYTES);
    }

    public Block candidate(String payTo, long nonce) {
        BlockValidator.ParentContext parent = chain.nextContext();
        long number = parent.number() + 1;
        List<Mempool.Entry> entries = nextTransactions();
        long fees = entries.stream().mapToLong(Mempool.Entry::fee).sum();
        List<Transaction> transactions = new ArrayList<>(entries.size() + 1);
        transactions.add(Transaction.of(List.of(TxInput.coinbase(number)),
                List.of(new TxOutput(payTo, params.rewardAt(number) + fees))));
        entries.forEach(entry -> transactions.add(entry.tx()));
        long time = Math.max(clock.millis(), parent.medianTimePast() + 1);
        return Block.of(number, parent.hash(), time, parent.expectedTarget(), nonce, transactions);
    }
}
