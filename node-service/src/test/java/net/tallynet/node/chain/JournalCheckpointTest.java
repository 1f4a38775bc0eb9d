package net.tallynet.node.chain;

import static net.tallynet.node.TestBlocks.NETWORK;
import static net.tallynet.node.TestBlocks.PARAMS;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import net.tallynet.node.TestBlocks;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.BlockValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint's two gauges on a real journal and store: blocks connected show as journaled bytes and as changes
 * held in memory, and a checkpoint brings both back to zero (what a benchmark waits for before it measures).
 */
class JournalCheckpointTest extends ChainStoreTest {
    @TempDir
    Path dir;

    @Test
    void connectedBlocksAreWhatTheGaugesShowUntilTheCheckpointWritesThem() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (BlockJournal journal = BlockJournal.open(dir, false)) {
            JournalCheckpoint checkpoint = new JournalCheckpoint(journal, store, new JournalProperties(false,
                    Duration.ofSeconds(10)), meters);
            Chain chain = new Chain(store, new BlockValidator(PARAMS, NETWORK, Clock.systemUTC()), PARAMS, "devnet",
                    1000, journal);
            checkpoint.tick(); // the first one, as soon after start: nothing to write yet
            assertThat(gauge(meters, "tallynet.chain.journal.pending")).isZero();
            assertThat(gauge(meters, "tallynet.chain.coins.unflushed")).isZero();

            List<Block> blocks = TestBlocks.fanOutChain(3, 4);
            for (Block block : blocks) {
                assertThat(chain.accept(block).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
            }
            long frames = blocks.stream().mapToLong(block -> store.encode(block).length).sum();
            assertThat(gauge(meters, "tallynet.chain.journal.pending")).as("each frame and its record header")
                    .isGreaterThan(frames);
            // every block's outputs and transaction locations, less the outputs spent by the next block
            assertThat(gauge(meters, "tallynet.chain.coins.unflushed")).isEqualTo(store.coinsUnflushed())
                    .isGreaterThanOrEqualTo(blocks.size());

            checkpoint.tick();
            assertThat(gauge(meters, "tallynet.chain.journal.pending")).isZero();
            assertThat(gauge(meters, "tallynet.chain.coins.unflushed")).isZero();
            StoredChainOutputs.assertMatch(store, chain, utxos, transactions);
        }
    }

    private static double gauge(SimpleMeterRegistry meters, String name) {
        return meters.get(name).gauge().value();
    }
}
