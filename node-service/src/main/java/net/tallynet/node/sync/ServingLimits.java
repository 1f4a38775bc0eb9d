package net.tallynet.node.sync;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.tallynet.p2p.BoundedMaps;
import net.tallynet.p2p.P2pProperties;
import net.tallynet.p2p.PeerSession;
import net.tallynet.protocol.message.Method;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The serving budgets of {@link ServingProperties}: a token bucket per peer and one for all peers, for
 * lists (counted), for block and transaction answers (counted in bytes) and for blocks looked up (counted). What a budget refuses is
 * left unanswered and counted in {@code tallynet_requests_unanswered_total{method, limit}}; the peer
 * is not charged, since an honest peer syncing fast may meet a budget too.
 */
@Component
@EnableConfigurationProperties(ServingProperties.class)
public class ServingLimits {
    private final ServingProperties properties;
    private final Map<PeerSession, PeerBudget> peers = new ConcurrentHashMap<>();
    private final Bucket allLists;
    private final Bucket allBytes;
    private final Bucket allBlocks;
    private final Map<String, Counter> unanswered = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    /** The time a peer's list burst takes to refill: a peer answered no list for this long is quiet. */
    private final long quietListNanos;

    /**
     * {@code refusedBytes}: the size of the last answer the peer's byte budget refused, 0 once one is sent:
     * until the budget holds that much again, nothing more is looked up for the peer (a block read now would
     * most likely be refused too).
     */
    private record PeerBudget(Bucket lists, Bucket bytes, Bucket blocks, AtomicLong refusedBytes) {
    }

    /**
     * When a list was last answered to each host (nanoTime), see {@link #mayList}: by host, not by
     * connection, so reconnecting does not make a peer quiet again.
     */
    private final Map<String, Long> lastListAt = Collections.synchronizedMap(BoundedMaps.evictingEldest(10_000, true));

    ServingLimits(ServingProperties properties, P2pProperties peers, MeterRegistry meters) {
        if (properties.blockByteBurst() < peers.maxFrameBytes()) {
            throw new IllegalArgumentException("tallynet.serving.block-byte-burst (" + properties.blockByteBurst()
                    + ") is below the frame limit (" + peers.maxFrameBytes() + "): the largest blocks could never be served");
        }
        this.properties = properties;
        this.meters = meters;
        this.quietListNanos = Duration.ofSeconds(1).toNanos() * properties.listBurst() / properties.listsPerSecond();
        this.allLists = bucket(properties.totalListsPerSecond(), properties.totalListsPerSecond());
        this.allBytes = bucket(properties.totalBlockBytesPerSecond(), properties.totalBlockBytesPerSecond());
        this.allBlocks = bucket(properties.totalBlocksPerSecond(), properties.totalBlocksPerSecond());
        for (Method method : new Method[] {Method.GETLISTOFBLOCKS, Method.GETBLOCK}) {
            for (Refused limit : Refused.values()) {
                counter(method, limit.label());
            }
        }
    }

    /**
     * Whether a GETLISTOFBLOCKS from {@code peer} may be answered now. A peer whose host was answered no list,
     * on any connection, for as long as a peer's burst takes to refill is answered even when the total is spent (the total goes into
     * debt, paid by those who ask often): the total alone would be first come, first served, and a crowd
     * asking at their per-peer rate would take it all, while an honest peer asks one list per 500 blocks
     * and waits 30 s before asking again (PROTOCOL.md 7.3). The flood harness showed that starvation.
     */
    public boolean mayList(PeerSession peer) {
        PeerBudget budget = budget(peer);
        if (budget == null) {
            return false;
        }
        long now = System.nanoTime();
        Long last = lastListAt.get(peer.remoteHost());
        boolean quiet = last == null || now - last >= quietListNanos;
        boolean answered;
        if (quiet && budget.lists().tryConsume(1)) {
            allLists.consumeIgnoringRateLimits(1);
            answered = true;
        } else {
            answered = take(Method.GETLISTOFBLOCKS, budget.lists(), allLists, 1) == null;
        }
        if (answered) {
            lastListAt.put(peer.remoteHost(), now);
        }
        return answered;
    }

    /**
     * Whether one more block may be looked up for a GETBLOCK from {@code peer} now (asked before the read, found
     * or not): within the peer's and everyone's look-up budgets, and only while its byte budget has some left,
     * and after an answer it refused, as much as that answer (a block read to be refused its bytes is read for
     * nothing).
     */
    public boolean mayLookUp(PeerSession peer) {
        PeerBudget budget = budget(peer);
        if (budget == null) {
            return false;
        }
        if (budget.bytes().getAvailableTokens() < Math.max(1, budget.refusedBytes().get())) {
            counter(Method.GETBLOCK, Refused.PEER.label()).increment();
            return false;
        }
        return take(Method.GETBLOCK, budget.blocks(), allBlocks, 1) == null;
    }

    /** Whether {@code bytes} of answer to a GETBLOCK from {@code peer} may be sent now. */
    public boolean maySend(PeerSession peer, long bytes) {
        PeerBudget budget = budget(peer);
        if (budget == null) {
            return false;
        }
        Refused refused = take(Method.GETBLOCK, budget.bytes(), allBytes, bytes);
        if (refused == Refused.PEER) {
            // remembered, not the budget emptied: the next look-up waits until this much has come back (a budget
            // that refills continuously is seldom exactly spent, so "something left" alone would read on)
            budget.refusedBytes().set(bytes);
        } else if (refused == null) {
            budget.refusedBytes().set(0);
        }
        return refused == null;
    }

    public void closed(PeerSession peer) {
        peers.remove(peer);
    }

    /** Which budget refused an answer: the asking peer's own, or the total of all peers'. */
    private enum Refused {
        PEER, TOTAL;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Takes {@code tokens} from the peer's budget and the total; null if both had them, else which refused (counted). */
    private Refused take(Method method, Bucket own, Bucket all, long tokens) {
        Refused refused = null;
        if (!own.tryConsume(tokens)) {
            refused = Refused.PEER;
        } else if (!all.tryConsume(tokens)) {
            own.addTokens(tokens); // not this peer's doing: its own budget is not spent
            refused = Refused.TOTAL;
        }
        if (refused != null) {
            counter(method, refused.label()).increment();
        }
        return refused;
    }

    /**
     * The peer's budgets, or null once its connection has closed: a closed peer is served nothing more, and
     * its budgets, removed by {@link #closed}, must not come back. The check follows the look-up so that no
     * interleaving with {@link #closed} leaves one behind: the connection reports closed before
     * {@link #closed} runs, so budgets made after that removal are seen closed here and removed again.
     */
    private PeerBudget budget(PeerSession peer) {
        PeerBudget budget = peers.computeIfAbsent(peer, p -> new PeerBudget(
                bucket(properties.listBurst(), properties.listsPerSecond()),
                bucket(properties.blockByteBurst(), properties.blockBytesPerSecond()),
                bucket(properties.blocksPerSecond(), properties.blocksPerSecond()), new AtomicLong()));
        if (!peer.connection().isOpen()) {
            peers.remove(peer, budget);
            return null;
        }
        return budget;
    }

    private Counter counter(Method method, String limit) {
        return unanswered.computeIfAbsent(method.name() + limit, key -> Counter.builder("tallynet.requests.unanswered")
                .description("Requests from peers left unanswered because a serving budget was spent")
                .tag("method", method.name()).tag("limit", limit).register(meters));
    }

    private static Bucket bucket(long capacity, long perSecond) {
        return Bucket.builder().addLimit(Bandwidth.builder().capacity(capacity)
                .refillGreedy(perSecond, Duration.ofSeconds(1)).build()).build();
    }
}
