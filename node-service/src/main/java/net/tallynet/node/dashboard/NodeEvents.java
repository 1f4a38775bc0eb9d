package net.tallynet.node.dashboard;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.sync.SyncMonitor;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.p2p.PeerSession;
import net.tallynet.p2p.PeriodicTask;
import net.tallynet.p2p.http.EventStream;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Transaction;
import org.springframework.stereotype.Component;

/**
 * What {@code GET /api/events} streams (operating contract: {@code block}, {@code reorg},
 * {@code transaction}, {@code peer}, {@code sync}) and the block arrivals the dashboard shows and
 * the metrics export ({@link BlockArrivalMetrics}).
 * The ledger calls in under its locks, so everything here only queues ({@link EventStream}).
 * Blocks and transactions are sent one by one up to {@code events-per-second}; past that (a sync
 * from genesis, a flood of transactions) the ticker sends one summary a second instead: the tip as
 * a {@code block} event with {@code skipped}, and a {@code transaction} event with {@code skipped}.
 * Peers and sync progress are looked at once a second and sent when they changed.
 */
@Component
class NodeEvents extends PeriodicTask implements Ledger.Listener {
    /** Hashes listed in a reorg event; a deeper switch says how deep and lists the newest. */
    private static final int MAX_LISTED = 50;

    record BlockEvent(long number, String hash, long time, int transactions, String from, long skipped) {
    }

    record ReorgEvent(int depth, String forkHash, List<String> disconnected, List<String> connected) {
    }

    record TransactionEvent(String id, int inputs, int outputs, long skipped) {
    }

    record PeerEvent(int peers, List<String> nodeIds) {
    }

    private final EventStream events;
    private final BlockArrivals arrivals;
    private final BlockArrivalMetrics arrivalMetrics;
    private final Ledger ledger;
    private final PeerRegistry peers;
    private final SyncMonitor sync;
    private final Clock clock;
    private final Bucket blockRate;
    private final Bucket transactionRate;
    private final AtomicLong skippedBlocks = new AtomicLong();
    private final AtomicLong skippedTransactions = new AtomicLong();
    private Set<String> lastPeers = Set.of();
    private SyncView lastSync;

    NodeEvents(EventStream events, BlockArrivals arrivals, BlockArrivalMetrics arrivalMetrics, Ledger ledger,
               PeerRegistry peers, SyncMonitor sync, DashboardProperties properties) {
        super("dashboard-events");
        this.events = events;
        this.arrivals = arrivals;
        this.arrivalMetrics = arrivalMetrics;
        this.ledger = ledger;
        this.peers = peers;
        this.sync = sync;
        this.clock = Clock.systemUTC();
        this.blockRate = perSecond(properties.eventsPerSecond());
        this.transactionRate = perSecond(properties.eventsPerSecond());
        ledger.addListener(this);
    }

    private static Bucket perSecond(int rate) {
        return Bucket.builder().addLimit(Bandwidth.builder().capacity(rate).refillGreedy(rate, Duration.ofSeconds(1)).build())
                .build();
    }

    @Override
    public void blocksConnected(List<Block> connected, Object source) {
        long now = clock.millis();
        String from = source instanceof PeerSession peer ? peer.remoteHost() + ":" + peer.remoteHello().port() : "this node";
        String fromNodeId = source instanceof PeerSession peer ? peer.remoteHello().nodeId() : null;
        for (Block block : connected) {
            var arrival = new BlockArrivals.Arrival(block.number(), block.hash(), block.transactions().size(),
                    Instant.ofEpochMilli(now), now - block.time(), from, fromNodeId);
            arrivals.add(arrival);
            arrivalMetrics.arrived(arrival, source instanceof PeerSession);
            if (blockRate.tryConsume(1)) {
                events.publish("block", new BlockEvent(block.number(), block.hash(), block.time(),
                        block.transactions().size(), from, 0));
            } else {
                skippedBlocks.incrementAndGet();
            }
        }
    }

    @Override
    public void reorganised(List<Block> disconnected, List<Block> connected) {
        // the fork: the parent of the oldest block that left (a switch the store left part way may have connected none)
        events.publish("reorg", new ReorgEvent(disconnected.size(), disconnected.getLast().previousHash(),
                hashes(disconnected), hashes(connected)));
    }

    @Override
    public void transactionAdded(Transaction tx, Object source) {
        if (transactionRate.tryConsume(1)) {
            events.publish("transaction", new TransactionEvent(tx.id(), tx.inputs().size(), tx.outputs().size(), 0));
        } else {
            skippedTransactions.incrementAndGet();
        }
    }

    private static List<String> hashes(List<Block> blocks) {
        return blocks.stream().limit(MAX_LISTED).map(Block::hash).toList();
    }

    @Override
    protected void tick() {
        long blocks = skippedBlocks.getAndSet(0);
        if (blocks > 0) {
            var tip = ledger.chain().tip();
            events.publish("block", new BlockEvent(tip.number(), tip.hash(), tip.time(), tip.txCount(), null, blocks));
        }
        long transactions = skippedTransactions.getAndSet(0);
        if (transactions > 0) {
            events.publish("transaction", new TransactionEvent(null, 0, 0, transactions));
        }
        Set<String> now = peers.established().stream().map(peer -> peer.remoteHello().nodeId()).collect(Collectors.toSet());
        if (!now.equals(lastPeers)) {
            lastPeers = now;
            events.publish("peer", new PeerEvent(now.size(), now.stream().sorted().toList()));
        }
        SyncView state = SyncView.of(sync);
        if (!state.equals(lastSync)) {
            lastSync = state;
            events.publish("sync", state);
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
