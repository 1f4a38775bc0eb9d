package net.tallynet.node.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.tallynet.node.TestBlocks;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Utxo;
import net.tallynet.protocol.ledger.UtxoChanges;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The transaction that stores and connects a block is a plain JDBC one on a connection of its own (ChainStore says
 * why): the new block's row goes in already on the best chain, and a connect inside another transaction, which it
 * would commit apart from, is refused before it writes anything.
 */
class BlockConnectTransactionTest extends ChainStoreTest {
    @Autowired
    private PlatformTransactionManager jpaTransactions;

    @Test
    void aBlockStoredAndConnectedInOneGoIsOnTheBestChainAndOneStoredAloneIsNot() {
        store.initialise(GENESIS, GENESIS_WORK);
        Block first = TestBlocks.block(GENESIS, new byte[32], List.of());
        store.storeAndConnect(first, GENESIS_WORK, store.encode(first), coinbaseOnly(first));
        Block sibling = TestBlocks.block(GENESIS, Ed25519Keys.newSecretKey(), List.of()); // another miner: another block
        store.store(sibling, GENESIS_WORK);

        assertThat(store.tip().hash()).isEqualTo(first.hash());
        assertThat(mainChainFlag(first)).isTrue();
        assertThat(mainChainFlag(sibling)).isFalse();
        assertThat(store.mainChainAt(1).orElseThrow().hash()).isEqualTo(first.hash());
    }

    @Test
    void aConnectInsideAnotherTransactionIsRefusedAndWritesNothing() {
        store.initialise(GENESIS, GENESIS_WORK);
        Block child = TestBlocks.block(GENESIS, new byte[32], List.of());

        assertThatThrownBy(() -> new TransactionTemplate(jpaTransactions).executeWithoutResult(status ->
                store.storeAndConnect(child, GENESIS_WORK, store.encode(child), coinbaseOnly(child))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("in a transaction of its own");

        assertThat(store.tip().hash()).isEqualTo(GENESIS.hash());
        assertThat(store.has(child.hash())).isFalse();
    }

    @Test
    void aConnectThatFailsHalfWayLeavesNothingAndTheNextBlockConnects() {
        store.initialise(GENESIS, GENESIS_WORK);
        Block first = TestBlocks.block(GENESIS, new byte[32], List.of());
        Block second = TestBlocks.block(first, new byte[32], List.of());

        // its row goes in, then the tip's update finds genesis not its parent: the insert must not commit
        assertThatThrownBy(() -> store.storeAndConnect(second, GENESIS_WORK, store.encode(second), coinbaseOnly(second)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not extend the tip");
        assertThat(store.has(second.hash())).isFalse();
        assertThat(store.tip().hash()).isEqualTo(GENESIS.hash());

        store.storeAndConnect(first, GENESIS_WORK, store.encode(first), coinbaseOnly(first));
        store.storeAndConnect(second, GENESIS_WORK, store.encode(second), coinbaseOnly(second));
        assertThat(store.tip().hash()).isEqualTo(second.hash());
        assertThat(jdbc.queryForObject("select best_hash from chain_tip", String.class)).isEqualTo(second.hash());
        assertThat(mainChainFlag(second)).isTrue();
    }

    private boolean mainChainFlag(Block block) {
        return jdbc.queryForObject("select main_chain from blocks where hash = ?", Boolean.class, block.hash());
    }

    private static UtxoChanges coinbaseOnly(Block block) {
        return new UtxoChanges(List.of(), Utxo.createdBy(block.transactions().getFirst(), block.number(), true), 0);
    }
}
