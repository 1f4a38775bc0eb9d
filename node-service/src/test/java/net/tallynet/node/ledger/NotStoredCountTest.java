package net.tallynet.node.ledger;

import static net.tallynet.node.TestBlocks.NETWORK;
import static net.tallynet.node.TestBlocks.PARAMS;
import static net.tallynet.node.TestBlocks.block;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import net.tallynet.node.chain.Chain;
import net.tallynet.node.chain.ChainStoreTest;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.node.mempool.MempoolProperties;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.BlockValidator;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.ledger.TransactionValidator;
import org.junit.jupiter.api.Test;

/**
 * A side-branch block the branch policy refuses to store is counted in {@code tallynet_blocks_not_stored_total}
 * under its reason (PROTOCOL.md 7.4): a review found that a rewrite of the ledger's accept had stopped counting.
 */
class NotStoredCountTest extends ChainStoreTest {
    @Test
    void aBranchForkingTooDeepIsCounted() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Chain chain = new Chain(store, new BlockValidator(PARAMS, NETWORK, Clock.systemUTC()), PARAMS, "devnet", 1);
        Ledger ledger = new Ledger(chain, new Mempool(store, new TransactionValidator(PARAMS, NETWORK),
                MempoolProperties.bounds(5000, 5_000_000)), meters);
        byte[] alice = Ed25519Keys.newSecretKey();
        Block parent = Genesis.of("devnet");
        for (int i = 0; i < 3; i++) {
            parent = block(parent, alice, List.of());
            ledger.acceptBlock(parent);
        }
        Block deep = block(Genesis.of("devnet"), Ed25519Keys.newSecretKey(), List.of()); // 3 below the tip, over 1

        assertThat(ledger.acceptBlock(deep).outcome()).isEqualTo(Chain.Outcome.FORK_TOO_DEEP);
        assertThat(meters.get("tallynet.blocks.not.stored").tag("reason", Chain.Outcome.FORK_TOO_DEEP.label()).counter()
                .count()).isEqualTo(1);
    }
}
