package net.tallynet.node.ledger;

import static net.tallynet.node.TestBlocks.NETWORK;
import static net.tallynet.node.TestBlocks.PARAMS;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import net.tallynet.node.chain.Chain;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.node.mempool.MempoolProperties;
import net.tallynet.protocol.ledger.BlockValidator;
import net.tallynet.protocol.ledger.TransactionValidator;

/** A ledger as the node builds one (chain and mempool over one store), with the easy test parameters. */
final class LedgerOverStore {
    /** The pool's bounds most tests need: room for every payment they make. */
    static final MempoolProperties ROOMY = MempoolProperties.bounds(5000, 5_000_000);

    private LedgerOverStore() {
    }

    static Ledger of(ChainStore store, int maxForkDepth, MempoolProperties bounds, MeterRegistry meters) {
        Chain chain = new Chain(store, new BlockValidator(PARAMS, NETWORK, Clock.systemUTC()), PARAMS, "devnet",
                maxForkDepth);
        return new Ledger(chain, new Mempool(store, new TransactionValidator(PARAMS, NETWORK), bounds), meters);
    }
}
