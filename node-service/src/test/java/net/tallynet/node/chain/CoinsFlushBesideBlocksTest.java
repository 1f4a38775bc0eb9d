package net.tallynet.node.chain;

import static net.tallynet.node.TestBlocks.NETWORK;
import static net.tallynet.node.TestBlocks.PARAMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.tallynet.node.TestBlocks;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.BlockValidator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A flush of the coins cache does not stop blocks (the journal checkpoint's flush of large blocks held every
 * block arriving meanwhile for a second and more): while its rows are written but not committed, blocks that
 * spend the very outputs being written connect on another thread, and every look-up and wallet query agrees
 * with the stored chain; after the commit, and after a write that failed and was rolled back, the table and
 * the cache still hold exactly the outputs the best chain implies.
 */
class CoinsFlushBesideBlocksTest extends ChainStoreTest {
    private Chain chain;
    /** Blocks 1 to 23, each spending the outputs of the one before. */
    private final List<Block> blocks = TestBlocks.fanOutChain(20, 8);

    @BeforeEach
    void freshChain() throws Exception {
        chain = new Chain(store, new BlockValidator(PARAMS, NETWORK, Clock.systemUTC()), PARAMS, "devnet", 1000);
        for (Block block : blocks.subList(0, 10)) {
            assertThat(chain.accept(block).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
        }
        assertThat(store.coinsToFlush()).isTrue();
    }

    @AfterEach
    void noHook() {
        store.whileCoinsWritten(() -> {
        });
    }

    @Test
    void blocksSpendingTheOutputsBeingWrittenConnectDuringTheFlush() {
        whileTheNextFlushIsWritten(() -> connectBesideTheFlush(blocks.subList(10, 16)));
        store.flushCoins();
        assertThat(chain.tip().hash()).isEqualTo(blocks.get(15).hash());
        StoredChainOutputs.assertMatch(store, chain, utxos, transactions);
        assertThat(store.coinsToFlush()).isFalse();
    }

    @Test
    void aFailedWriteGoesBackUnderTheChangesMadeMeanwhile() throws Exception {
        whileTheNextFlushIsWritten(() -> {
            connectBesideTheFlush(blocks.subList(10, 16));
            throw new IllegalStateException("the disk is full");
        });
        assertThatThrownBy(store::flushCoins).hasMessageContaining("the disk is full");
        assertThat(StoredChainOutputs.tableRows(utxos)).as("rolled back").isEmpty();
        StoredChainOutputs.assertLookupsMatch(store, StoredChainOutputs.implied(store, chain));

        for (Block block : blocks.subList(16, blocks.size())) {
            assertThat(chain.accept(block).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
        }
        StoredChainOutputs.assertMatch(store, chain, utxos, transactions);
    }

    /** Runs {@code during} in the next flush only, once its rows are written and before they are committed. */
    private void whileTheNextFlushIsWritten(Runnable during) {
        store.whileCoinsWritten(() -> {
            noHook();
            during.run();
        });
    }

    /**
     * On another thread, as peers' blocks come: it must finish while the flush waits (this thread holds the
     * flush, its rows written, not committed), and look-ups then see both the layer written and the new changes.
     */
    private void connectBesideTheFlush(List<Block> more) {
        CompletableFuture<Void> connected = CompletableFuture.runAsync(() -> {
            try {
                for (Block block : more) {
                    assertThat(chain.accept(block).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
                }
                StoredChainOutputs.assertLookupsMatch(store, StoredChainOutputs.implied(store, chain));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(connected).succeedsWithin(60, TimeUnit.SECONDS);
    }
}
