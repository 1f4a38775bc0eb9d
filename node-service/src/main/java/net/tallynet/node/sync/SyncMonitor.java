package net.tallynet.node.sync;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.p2p.PeriodicTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Once a second: moves the requests of stalled peers elsewhere. While the node is behind its peers (known once a
 * second, and at once from a handshake that shows a peer ahead),
 * logs a progress line every {@code tallynet.sync.progress-interval} (height, target, blocks/s, what is
 * in flight), and one line when it has caught up; meanwhile the ledger logs each block connected at DEBUG only.
 * The same figures are gauges.
 */
@Component
@EnableConfigurationProperties(SyncProperties.class)
public class SyncMonitor extends PeriodicTask {
    private static final Logger log = LoggerFactory.getLogger(SyncMonitor.class);

    private final BlockSync sync;
    private final Ledger ledger;
    private final SyncProperties properties;
    private volatile BlockSync.Progress last = new BlockSync.Progress(0, 0, 0, 0, 0, 0);
    private long lastLogNanos = System.nanoTime();
    private long lastLogHeight = -1;
    private long syncStartNanos;
    private long syncStartHeight;
    private volatile boolean syncing;

    SyncMonitor(BlockSync sync, Ledger ledger, SyncProperties properties, MeterRegistry meters) {
        super("sync-monitor");
        this.sync = sync;
        this.ledger = ledger;
        this.properties = properties;
        sync.whenBehind(this::check);
        Gauge.builder("tallynet.sync.target.height", this, m -> m.last.target())
                .description("Highest block number any peer has shown").register(meters);
        Gauge.builder("tallynet.sync.progress", this, SyncMonitor::progress)
                .description("Own height over the sync target (1 when caught up)").register(meters);
        Gauge.builder("tallynet.sync.blocks.queued", this, m -> m.last.queued())
                .description("Blocks listed by peers and still to be fetched and connected").register(meters);
        Gauge.builder("tallynet.sync.blocks.in.flight", this, m -> m.last.inFlight())
                .description("GETBLOCK requests awaiting an answer").register(meters);
        Gauge.builder("tallynet.sync.blocks.waiting", this, m -> m.last.orphans())
                .description("Received blocks held until their parent connects").register(meters);
    }

    /** The figures of the latest tick (once a second). */
    public BlockSync.Progress last() {
        return last;
    }

    public boolean syncing() {
        return syncing;
    }

    /** Own height over the sync target, 1 when caught up. */
    public double progress() {
        BlockSync.Progress p = last;
        return p.target() <= 0 ? 1.0 : Math.min(1.0, (double) p.height() / p.target());
    }

    @Override
    protected void tick() {
        sync.expireStalled();
        check();
    }

    /**
     * Compares the node's height with the highest its peers have shown: once a second, and at once when a handshake
     * shows a peer more than a block ahead (a new member learns it from its first peer's HELLO), so that a sync's
     * progress lines and its quiet per-block logging start with its first block rather than a second into it.
     */
    private synchronized void check() {
        BlockSync.Progress p = sync.progress();
        last = p;
        long now = System.nanoTime();
        // one block behind is ordinary relay (an announcement ahead of its block), not a sync
        boolean behind = p.target() - p.height() > 1 || (syncing && p.height() < p.target());
        if (behind && !syncing) {
            syncing = true;
            syncStartNanos = now;
            syncStartHeight = p.height();
            lastLogNanos = now;
            lastLogHeight = p.height();
            ledger.quietConnects(true); // the progress lines report the blocks
            log.info("sync: behind at height {}, peers show {}", p.height(), p.target());
        } else if (behind && now - lastLogNanos >= properties.progressInterval().toNanos()) {
            double rate = (p.height() - lastLogHeight) / ((now - lastLogNanos) / 1e9);
            log.info("sync: height {} of {} ({}%), {} blocks/s, {} queued, {} in flight, {} waiting for a parent, {} peers",
                    p.height(), p.target(), String.format("%.1f", 100.0 * p.height() / p.target()),
                    String.format("%.1f", rate), p.queued(), p.inFlight(), p.orphans(), p.peers());
            lastLogNanos = now;
            lastLogHeight = p.height();
        } else if (!behind && syncing) {
            syncing = false;
            ledger.quietConnects(false);
            double seconds = (now - syncStartNanos) / 1e9;
            log.info("sync: caught up at height {}: {} blocks in {} s", p.height(), p.height() - syncStartHeight,
                    String.format("%.1f", seconds));
        }
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
        return Duration.ofSeconds(1);
    }
}
