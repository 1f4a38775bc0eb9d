package net.tallynet.node.chain;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import net.tallynet.p2p.PeriodicTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Brings the database's file up to date and empties the block journal every checkpoint interval
 * (when blocks came since the last one), and once soon after start (the segments a killed process
 * left, replayed by then) and when the application closes. Two gauges say what the next one has to write: what a
 * restart after a crash would replay, and what a benchmark waits for before it measures on a quiet node.
 */
@Component
class JournalCheckpoint extends PeriodicTask implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(JournalCheckpoint.class);

    private final BlockJournal journal;
    private final ChainStore store;
    private final JournalProperties properties;
    private boolean first = true;
    private volatile boolean started;

    JournalCheckpoint(BlockJournal journal, ChainStore store, JournalProperties properties, MeterRegistry meters) {
        super("journal-checkpoint");
        this.journal = journal;
        this.store = store;
        this.properties = properties;
        Gauge.builder("tallynet.chain.journal.pending", journal, BlockJournal::pendingBytes).baseUnit("bytes")
                .description("Block frames journaled since the last completed checkpoint: what a restart after a crash replays")
                .register(meters);
        Gauge.builder("tallynet.chain.coins.unflushed", store, ChainStore::coinsUnflushed)
                .description("Unspent-output and transaction-location changes not yet in their tables, those being written included")
                .register(meters);
    }

    @Override
    protected synchronized void tick() {
        if (first || journal.pendingBytes() > 0 || store.coinsToFlush()) {
            first = false;
            store.flushCoins(); // before the checkpoint: the outputs' batch then reaches the file with it
            int deleted = journal.checkpoint(() -> store.flush(properties.sync()));
            log.debug("journal checkpoint: {} segments deleted", deleted);
        }
    }

    /**
     * The last checkpoint, when the application closes: after every lifecycle bean has stopped (no block can
     * arrive after it) and before the store and the database it needs are closed (they are what this bean
     * depends on). Not in {@link #stop()}: a context that is only paused (Spring's test context cache) stops its
     * lifecycle beans too, and its data directory may already be gone by then.
     */
    @Override
    public void destroy() {
        // a context that failed before it started (the journal maybe not yet replayed) must not checkpoint
        if (started) {
            tick();
        }
    }

    @Override
    public synchronized void start() {
        super.start();
        started = true;
    }

    @Override
    protected boolean enabled() {
        return true;
    }

    @Override
    protected Duration firstDelay() {
        return Duration.ofSeconds(1);
    }

    @Override
    protected Duration period() {
        return properties.checkpointInterval();
    }
}
