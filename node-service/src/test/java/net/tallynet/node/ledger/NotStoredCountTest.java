package net.tallynet.node.ledger;

import static net.tallynet.node.TestBlocks.block;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import net.tallynet.node.chain.Chain;
import net.tallynet.node.chain.ChainStoreTest;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Genesis;
import org.junit.jupiter.api.Test;

/**
 * A side-branch block the branch policy refuses to store is counted in {@code tallynet_blocks_not_stored_total}
 * under its reason (PROTOCOL.md 7.4): a review found that a rewrite of the ledger's accept had stopped counting.
 */
class NotStoredCountTest extends ChainStoreTest {
    @Test
    void aBranchForkingTooDeepIsCounted() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Ledger ledger = LedgerOverStore.of(store, 1, LedgerOverStore.ROOMY, meters); // a fork may be 1 block deep
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
