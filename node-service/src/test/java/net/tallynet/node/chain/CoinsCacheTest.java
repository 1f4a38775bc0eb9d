package net.tallynet.node.chain;

import static net.tallynet.node.TestBlocks.NETWORK;
import static net.tallynet.node.TestBlocks.PARAMS;
import static net.tallynet.node.TestBlocks.block;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.tallynet.node.TestBlocks;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.BlockValidator;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.Utxo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The coins cache in front of the {@code utxos} table, with the default bound: a chain of payment blocks
 * and two reorganisations leave the table (once flushed) and every look-up equal to the outputs the stored
 * best chain implies; changes lost with the cache (a kill) are applied again from the stored blocks.
 * {@link TinyCoinsCacheTest} runs the same with a cache of five outputs and one header.
 */
class CoinsCacheTest extends ChainStoreTest {
    protected Chain chain;
    private final byte[] bob = Ed25519Keys.newSecretKey();

    @BeforeEach
    void freshChain() {
        chain = new Chain(store, new BlockValidator(PARAMS, NETWORK, Clock.systemUTC()), PARAMS, "devnet", 1000);
    }

    @Test
    void paymentsAndTwoReorganisationsLeaveTheOutputsTheStoredChainImplies() throws Exception {
        List<Block> a = TestBlocks.fanOutChain(20, 8); // blocks 1 to 23, each spending the previous one's outputs
        for (Block block : a) {
            assertThat(chain.accept(block).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
        }
        assertMatchesStoredChain();

        List<Block> b = extend(a.get(19), 5); // from block 20: 25 beats 23
        for (Block block : b) {
            chain.accept(block);
        }
        assertThat(chain.tip().hash()).isEqualTo(b.getLast().hash());
        assertMatchesStoredChain();

        List<Block> c = extend(a.getLast(), 3); // back onto a's payments: 26 beats 25
        for (Block block : c) {
            chain.accept(block);
        }
        assertThat(chain.tip().hash()).isEqualTo(c.getLast().hash());
        assertMatchesStoredChain();
    }

    @Test
    void changesLostWithTheCacheAreAppliedAgainFromTheStoredBlocks() throws Exception {
        for (Block block : TestBlocks.fanOutChain(10, 8)) {
            chain.accept(block);
        }
        Map<Outpoint, Utxo> implied = impliedByStoredChain();
        if (store.coinsToFlush()) {
            assertThat(tableRows()).as("the table lags the tip before a flush").isNotEqualTo(implied);
        }
        store.recoverCoins(); // as at start after a kill: the cache's changes are gone
        assertThat(tableRows()).isEqualTo(implied);
        assertMatchesStoredChain();
    }

    @Test
    void theTransactionIndexLostWithTheCacheIsWrittenAgainFromTheStoredBlocks() throws Exception {
        for (Block block : TestBlocks.fanOutChain(10, 8)) {
            chain.accept(block);
        }
        Map<String, String> located = StoredChainOutputs.impliedLocations(store, chain);
        located.keySet().forEach(id -> assertThat(store.locate(id)).as(id).isPresent());
        if (store.coinsToFlush()) {
            assertThat(StoredChainOutputs.locationRows(transactions)).as("the index table lags the tip before a flush")
                    .isNotEqualTo(located);
        }
        store.recoverCoins(); // as at start after a kill: what was in memory is gone
        assertThat(StoredChainOutputs.locationRows(transactions)).isEqualTo(located);
        assertMatchesStoredChain();
    }

    /**
     * A store written before the transaction index was flushed with the coins has index rows for the blocks after
     * the recorded one, which recovery applies again: their rows are replaced, not inserted twice.
     */
    @Test
    void aStoreWithIndexRowsPastTheFlushPointRecovers() throws Exception {
        List<Block> a = TestBlocks.fanOutChain(6, 4);
        for (Block block : a) {
            chain.accept(block);
        }
        store.flushCoins(); // every location in the table, as an older version wrote them at each connect
        jdbc.update("delete from UTXOS"); // and its coins written at genesis only (genesis creates nothing spendable)
        jdbc.update("update CHAIN_TIP set COINS_HASH = ?", GENESIS.hash());

        store.recoverCoins();
        assertThat(tableRows()).isEqualTo(impliedByStoredChain());
        assertMatchesStoredChain();
    }

    @Test
    void aFlushPointOffTheBestChainRebuildsTheTableFromGenesis() throws Exception {
        List<Block> a = TestBlocks.fanOutChain(6, 4);
        for (Block block : a) {
            chain.accept(block);
        }
        Block side = extend(a.get(2), 1).getFirst();
        assertThat(chain.accept(side).outcome()).isEqualTo(Chain.Outcome.SIDE_BRANCH);
        store.flushCoins();
        jdbc.update("update CHAIN_TIP set COINS_HASH = ?", side.hash());
        jdbc.update("delete from UTXOS where OUTPUT_INDEX = 0");

        store.recoverCoins();
        assertThat(tableRows()).isEqualTo(impliedByStoredChain());
    }

    private List<Block> extend(Block parent, int count) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            parent = block(parent, bob, List.of());
            blocks.add(parent);
        }
        return blocks;
    }

    /**
     * Review of the cache: an output created and spent in the same block is in neither the block's undo data
     * nor what it left unspent, so applying the block again after a kill must not bring it back.
     */
    @Test
    void anOutputSpentInTheBlockThatCreatedItStaysSpentAfterRecovery() throws Exception {
        byte[] alice = Ed25519Keys.newSecretKey();
        Block b1 = block(GENESIS, alice, List.of());
        Block b2 = block(b1, alice, List.of());
        Transaction first = TestBlocks.pay(b1.transactions().getFirst(), alice, bob, 10_000);
        Transaction second = TestBlocks.pay(first, bob, alice, 4_000); // spends first's output 0, in the same block
        Block b3 = block(b2, alice, List.of(first, second));
        for (Block block : List.of(b1, b2, b3)) {
            assertThat(chain.accept(block).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
        }
        store.recoverCoins(); // the block's changes were still in the cache: applied again from the stored block
        assertThat(store.find(first.id(), 0)).isEmpty();
        assertMatchesStoredChain();
    }

    private void assertMatchesStoredChain() {
        StoredChainOutputs.assertMatch(store, chain, utxos, transactions);
    }

    private Map<Outpoint, Utxo> tableRows() {
        return StoredChainOutputs.tableRows(utxos);
    }

    private Map<Outpoint, Utxo> impliedByStoredChain() {
        return StoredChainOutputs.implied(store, chain);
    }
}
