package net.tallynet.node.sync;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.time.Duration;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.p2p.Direction;
import net.tallynet.p2p.PeerMisbehaviourException;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.p2p.PeerSession;
import net.tallynet.p2p.RollingBloomFilter;
import net.tallynet.p2p.PeriodicTask;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.ledger.ValidationReason;
import net.tallynet.protocol.message.BroadcastTransactionMessage;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.HelloMessage;
import net.tallynet.protocol.message.PushTransactionMessage;
import org.springframework.stereotype.Component;

/**
 * Transaction relay (PROTOCOL.md 7.5): new mempool transactions are announced by id to node peers not
 * known to have them, to each peer at random times of the mean its direction is given ({@link
 * RelayProperties}); announced ids we lack are
 * fetched with GETBLOCK {@code transactions}, each from one peer at a time; pushed transactions enter
 * the mempool, their signature checks paid from a per-peer budget, refusals remembered until the next block.
 * The node's own transactions are announced again until a peer asks for them ({@link UnbroadcastTransactions}).
 */
@Component
public class TransactionRelay extends PeriodicTask implements Ledger.Listener {
    /** How often requests not delivered in time are handed to the next peer. */
    static final long REREQUEST_MILLIS = 200;
    /** Transaction ids remembered per peer as known to it, in a rolling Bloom filter of about 72 KB (review item 19). */
    static final int KNOWN_PER_PEER = 20_000;
    /** Charged for a push that runs out of its peer's signature budget (PROTOCOL.md 7.5). */
    static final String OVER_BUDGET = "signature_budget_exceeded";
    /**
     * Reasons no honest peer can produce (an honest one may send a transaction whose parent we lack,
     * or one that lost a double-spend race): only these are charged as misbehaviour.
     */
    private static final Set<ValidationReason> DISHONEST = Set.of(ValidationReason.BAD_SIGNATURE,
            ValidationReason.BAD_TRANSACTION_ID, ValidationReason.KEY_ADDRESS_MISMATCH, ValidationReason.AMOUNT_OVERFLOW,
            ValidationReason.OUTPUTS_EXCEED_INPUTS, ValidationReason.MISPLACED_COINBASE);

    private final Ledger ledger;
    private final Mempool mempool;
    private final ChainStore store;
    private final PeerRegistry peers;
    private final RelayMetrics metrics;
    private final SyncProperties properties;
    private final Map<PeerSession, RollingBloomFilter> known = new HashMap<>();
    private final RelayProperties relay;
    private final AnnouncementLog log;
    /** Per node peer: the position in the log up to which it has been sent what it lacks. */
    private final Map<PeerSession, Long> positions = new HashMap<>();
    /** Per outbound peer: when (nanos) its next announcement may go. */
    private final Map<PeerSession, Long> outboundDue = new HashMap<>();
    /** One timer for every inbound peer. */
    private long inboundDue;
    /** The log's head when every peer was last found up to date: nothing to do until it moves. */
    private long allSentUpTo;
    /** A wake-up is scheduled for the earliest timer due (or for an id that just arrived). */
    private boolean woken;
    private long rerequestDue;
    private long rebroadcastDue;
    private final UnbroadcastTransactions unbroadcast;
    private final Map<PeerSession, Bucket> budgets = new ConcurrentHashMap<>();
    private final RecentRejects rejects;
    private final TransactionRequests requests;
    private final OrphanTransactions<PeerSession> orphans;

    public TransactionRelay(Ledger ledger, Mempool mempool, ChainStore store, PeerRegistry peers,
                            RelayMetrics metrics, SyncProperties properties, RelayProperties relay,
                            UnbroadcastTransactions unbroadcast) {
        super("tx-relay");
        this.relay = relay;
        this.log = new AnnouncementLog(relay.backlog());
        this.inboundDue = System.nanoTime(); // nanoTime may be negative: timers start from now, not from 0
        this.rerequestDue = inboundDue;
        this.rebroadcastDue = inboundDue + jittered(relay.rebroadcastInterval());
        this.unbroadcast = unbroadcast;
        this.ledger = ledger;
        this.mempool = mempool;
        this.store = store;
        this.peers = peers;
        this.metrics = metrics;
        this.properties = properties;
        this.rejects = new RecentRejects(properties.recentRejects());
        this.requests = new TransactionRequests(properties.transactionRequestTimeout());
        this.orphans = new OrphanTransactions<>(relay.maxOrphans(), relay.orphanExpiry().toNanos(), metrics::orphans);
        metrics.watch(orphans);
        metrics.watch(unbroadcast);
        ledger.addListener(this);
    }

    /** Blocks left the best chain: what was refused as spent or unknown may be valid now (connected may be none). */
    @Override
    public void reorganised(List<Block> disconnected, List<Block> connected) {
        rejects.chainChanged();
    }

    @Override
    public void blocksConnected(List<Block> connected, Object source) {
        rejects.chainChanged();
        List<String> ids = new ArrayList<>();
        connected.forEach(block -> block.transactions().forEach(tx -> ids.add(tx.id())));
        unbroadcast.forget(ids);
        retry(orphans.release(ids));
    }

    @Override
    public synchronized void transactionAdded(Transaction tx, Object source) {
        if (source instanceof PeerSession peer) {
            knownTo(peer).add(tx.id());
        } else if (source == null) { // the node's own: its REST API, or restored at start
            unbroadcast.add(tx.id(), System.nanoTime());
        }
        log.append(tx.id(), System.nanoTime());
        requests.received(tx.id());
        retry(orphans.release(List.of(tx.id())));
        wakeForNewIds();
    }

    /**
     * Ids just went into the log: unless a wake-up is scheduled already, one runs now, draws the timers from now,
     * and sleeps until the first is due. Holding this.
     */
    private void wakeForNewIds() {
        if (!woken) {
            woken = true;
            later(this::wake, Duration.ZERO);
        }
    }

    /** A node peer's handshake completed: it is announced what enters the mempool from now on. */
    public synchronized void established(PeerSession peer) {
        positions.put(peer, log.head());
    }

    /**
     * The node's own transactions that no peer has asked for, still pooled and waiting at least an interval, go
     * into the announcement log again: every node peer is announced them once more on its own random timer, with
     * whatever else it is due, whether or not it was announced them before ({@link #send}). So a peer that
     * connected after they arrived (a payment restored at start), or that did not take them up, hears of them,
     * and the announcements look like any other relay.
     */
    void rebroadcast(long now) {
        if (unbroadcast.isEmpty()) {
            return;
        }
        List<String> pooled = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (String id : unbroadcast.addedBefore(now - relay.rebroadcastInterval().toNanos())) {
            (mempool.find(id).isPresent() ? pooled : gone).add(id);
        }
        unbroadcast.forget(gone);
        if (pooled.isEmpty()) {
            return;
        }
        synchronized (this) {
            long appended = System.nanoTime(); // not the tick's: the look-ups above took a while, and the log's times only rise
            pooled.forEach(id -> log.append(id, appended));
            wakeForNewIds();
        }
        metrics.transactionsRebroadcast(pooled.size());
    }

    /** The interval drawn between half and one and a half times {@code mean}: rounds at no fixed beat. */
    private static long jittered(Duration mean) {
        return (long) (mean.toNanos() * (0.5 + ThreadLocalRandom.current().nextDouble()));
    }

    /**
     * Sends each node peer whose timer is due the ids that entered the mempool since its last turn and that
     * it is not known to have. A timer is a Poisson process: when it came due while the peer had nothing
     * waiting, it is drawn again from the moment something arrived for the peer (the gaps have no memory),
     * so the first id after a quiet spell waits a random time like every other, and does not go to every
     * peer at once. Returns the nanos until the earliest timer of a peer still waiting, or -1 if none waits.
     */
    synchronized long announceDue(long now) {
        long head = log.head();
        if (head == allSentUpTo) {
            return -1;
        }
        long waitingSince = log.appendedAt(allSentUpTo);
        if (inboundDue - waitingSince < 0) {
            inboundDue = waitingSince + poisson(relay.inboundInterval());
        }
        boolean inboundTurn = now - inboundDue >= 0;
        if (inboundTurn) {
            inboundDue = now + poisson(relay.inboundInterval());
        }
        boolean allSent = true;
        long nextDue = Long.MAX_VALUE;
        for (PeerSession peer : peers.established()) {
            if (!HelloMessage.ROLE_NODE.equals(peer.remoteHello().role())) {
                continue;
            }
            Long position = positions.get(peer);
            if (position == null) { // established() has not run yet for it: it starts from now
                positions.put(peer, head);
                continue;
            }
            if (position == head) {
                continue;
            }
            boolean turn;
            if (peer.connection().direction() == Direction.OUTBOUND) {
                long pendingSince = log.appendedAt(position);
                Long due = outboundDue.get(peer);
                if (due == null || due - pendingSince < 0) {
                    due = pendingSince + poisson(relay.outboundInterval());
                }
                turn = now - due >= 0;
                outboundDue.put(peer, turn ? now + poisson(relay.outboundInterval()) : due);
                nextDue = turn ? nextDue : Math.min(nextDue, due - now);
            } else {
                turn = inboundTurn;
                nextDue = turn ? nextDue : Math.min(nextDue, inboundDue - now);
            }
            if (!turn) {
                allSent = false;
                continue;
            }
            metrics.announcementsMissed(log.lostSince(position));
            send(peer, log.since(position));
            positions.put(peer, head);
        }
        if (allSent) {
            allSentUpTo = head;
            return -1;
        }
        return Math.max(0, nextDue);
    }

    /**
     * Runs when the earliest timer comes due (or at once for an id that arrived while none was set) and
     * sleeps until the next: no thread wakes while nothing waits. A tick every 1.25 ms even when idle,
     * in each of ten node processes on two cores, made a block's hop 27 ms instead of 16 (README).
     */
    private void wake() {
        long delay = -1;
        synchronized (this) {
            try {
                delay = announceDue(System.nanoTime());
            } finally {
                woken = delay >= 0; // a failed run leaves none scheduled: the next tick starts one again
            }
        }
        if (delay >= 0) {
            later(this::wake, Duration.ofNanos(delay));
        }
    }

    private void send(PeerSession peer, List<String> pending) {
        RollingBloomFilter peerKnows = knownTo(peer);
        List<String> ids = new ArrayList<>();
        int sent = 0;
        // the node's own that no peer asked for go again when the log holds them again (rebroadcast), but once a
        // turn: a peer whose turn spans both places in the log is not sent the id twice
        Set<String> sentNow = unbroadcast.isEmpty() ? null : new HashSet<>();
        for (String id : pending) {
            boolean news = peerKnows.add(id) || sentNow != null && unbroadcast.contains(id);
            if (news && (sentNow == null || sentNow.add(id))) {
                ids.add(id);
                sent++;
            }
            if (ids.size() == Limits.MAX_ANNOUNCED_TRANSACTIONS) {
                peer.send(new BroadcastTransactionMessage(ids));
                ids = new ArrayList<>();
            }
        }
        if (!ids.isEmpty()) {
            peer.send(new BroadcastTransactionMessage(ids));
        }
        metrics.transactionsAnnounced(sent, pending.size() - sent);
    }

    /** An exponentially distributed delay of the given mean, in nanos: the gaps of a Poisson process. */
    private static long poisson(Duration mean) {
        return (long) (-Math.log(1 - ThreadLocalRandom.current().nextDouble()) * mean.toNanos());
    }

    /**
     * Requests the announced ids we lack and nobody is already sending us. The lookups (mempool, chain
     * store) run outside the relay's lock: up to 1,000 per announcement (review item 22).
     */
    public void onAnnounce(PeerSession peer, BroadcastTransactionMessage announcement) {
        synchronized (this) {
            RollingBloomFilter peerKnows = knownTo(peer);
            announcement.ids().forEach(peerKnows::add);
        }
        unbroadcast.forget(announcement.ids()); // the peer has them
        List<String> lacking = new ArrayList<>();
        for (String id : announcement.ids()) {
            // in flight: no lookup, claim() makes this peer next in line; else cheapest first (cache, pool, database)
            if (requests.inFlight(id) || rejects.find(id) == null && !orphans.contains(id) && mempool.find(id).isEmpty()
                    && store.locate(id).isEmpty()) {
                lacking.add(id);
            }
        }
        List<String> wanted = requests.claim(peer, lacking, System.nanoTime());
        if (!wanted.isEmpty()) {
            peer.send(GetBlockMessage.transactions(wanted));
        }
    }

    /**
     * Pushed transactions enter the mempool in order, until the peer's signature budget runs out: the
     * rest are dropped unchecked, and the push is charged. Refusals no honest peer produces are charged too.
     */
    public void onPush(PeerSession peer, PushTransactionMessage push) {
        List<Transaction> transactions = push.transactions();
        refuseDuplicates(transactions);
        synchronized (this) {
            RollingBloomFilter peerKnows = knownTo(peer);
            transactions.forEach(tx -> peerKnows.add(tx.id()));
        }
        Bucket budget = budgets.computeIfAbsent(peer, p -> Bucket.builder().addLimit(Bandwidth.builder()
                .capacity(properties.transactionSignatureBurst())
                .refillGreedy(properties.transactionSignaturesPerSecond(), Duration.ofSeconds(1)).build()).build());
        for (int i = 0; i < transactions.size(); i++) {
            Transaction tx = transactions.get(i);
            requests.received(tx.id());
            ValidationReason refused = rejects.find(tx.id());
            if (refused != null) {
                metrics.transactionsDropped(TransactionDrop.RECENTLY_REJECTED, 1);
                if (DISHONEST.contains(refused)) {
                    throw new PeerMisbehaviourException(refused.label(), "sent " + tx.id() + " again, refused as "
                            + refused.label());
                }
                continue;
            }
            long epoch = rejects.epoch();
            long arrivals = orphans.arrivals();
            try {
                if (ledger.acceptTransaction(tx, peer, budget::tryConsume) == Mempool.Added.OVER_BUDGET) {
                    metrics.transactionsDropped(TransactionDrop.OVER_BUDGET, transactions.size() - i);
                    transactions.subList(i + 1, transactions.size()).forEach(rest -> requests.received(rest.id()));
                    // an honest peer only pushes what we asked for or what its user made: never this fast
                    throw new PeerMisbehaviourException(OVER_BUDGET, "signature budget of "
                            + properties.transactionSignaturesPerSecond() + "/s exhausted; "
                            + (transactions.size() - i) + " of " + transactions.size() + " transactions dropped");
                }
            } catch (InvalidLedgerObjectException e) {
                rejects.add(tx.id(), e.reason(), epoch);
                if (e.reason() == ValidationReason.UNKNOWN_INPUT && parentMayArrive(tx, e, epoch)) { // its parent may be on its way
                    long now = System.nanoTime();
                    if (orphans.hold(tx, peer, arrivals, now) == OrphanTransactions.Held.PARENT_ARRIVED) {
                        retry(List.of(new OrphanTransactions.Orphan<>(tx, peer, now)));
                    }
                }
                if (DISHONEST.contains(e.reason())) {
                    throw new PeerMisbehaviourException(e.reason().label(), e.getMessage());
                }
            } catch (Mempool.FullException e) {
                // no room for a low fee: not the peer's fault
            }
        }
    }

    /**
     * For a transaction refused {@code unknown_input}: false when the input the check found missing can never
     * be found while the best chain stays as it is, so no parent is on its way and holding the transaction as
     * an orphan would only keep it until it expired. That is when the input spends from a transaction on the
     * best chain (its transaction index), so the output was spent in a block (a double-spend race lost to a
     * mined spend) or never existed, or from a pooled transaction that has no output at that index. Such a
     * verdict is remembered until the chain changes ({@link RecentRejects#addSettled}): a transaction pushed
     * again costs a map lookup, not these look-ups. Costs one read of the index (the check names the input).
     */
    private boolean parentMayArrive(Transaction tx, InvalidLedgerObjectException refusal, long epoch) {
        TxInput input = refusal.missingInput().orElse(null);
        if (input == null) {
            return true;
        }
        boolean mayArrive;
        Optional<Transaction> pooled = mempool.find(input.txId());
        if (pooled.isPresent()) {
            mayArrive = input.index() < pooled.get().outputs().size(); // its parent was pooled after the check
        } else {
            // found in the index: the output is spent, unless the block bringing it connected since the check
            // (held then, and released at once by the arrival it missed)
            mayArrive = store.locate(input.txId()).isEmpty() || store.find(input.txId(), input.index()).isPresent();
        }
        if (!mayArrive) {
            rejects.addSettled(tx.id(), epoch);
        }
        return mayArrive;
    }

    /**
     * Offers released orphans to the mempool again, on the relay's own thread: never inside the ledger's
     * listener call that released them (the ledger may hold its chain there); each on its own, so that
     * one failing unexpectedly costs the others nothing.
     */
    private void retry(List<OrphanTransactions.Orphan<PeerSession>> released) {
        released.forEach(orphan -> later(() -> offer(orphan), Duration.ZERO));
    }

    /**
     * One released orphan, checked as if its peer pushed it now: its signatures paid from that peer's
     * budget (a push of orphans spends none of it: their inputs were unknown, so no signature was checked)
     * and a refusal no honest peer produces charged to it. One still lacking a parent (it spends from two,
     * one yet to come) is held again.
     */
    private void offer(OrphanTransactions.Orphan<PeerSession> orphan) {
        Transaction tx = orphan.tx();
        PeerSession peer = orphan.peer();
        Bucket budget = budgets.get(peer);
        if (budget == null) { // its peer left after the release: forget() did not see it
            metrics.orphans(OrphanTransactions.Outcome.FORGOTTEN, 1);
            return;
        }
        long epoch = rejects.epoch();
        long arrivals = orphans.arrivals();
        try {
            Mempool.Added added = ledger.acceptTransaction(tx, peer, budget::tryConsume);
            metrics.orphans(switch (added) {
                case ADDED -> OrphanTransactions.Outcome.ACCEPTED;
                case ALREADY_KNOWN -> OrphanTransactions.Outcome.KNOWN;
                case OVER_BUDGET -> OrphanTransactions.Outcome.REFUSED;
            }, 1);
            if (added == Mempool.Added.OVER_BUDGET) {
                metrics.transactionsDropped(TransactionDrop.OVER_BUDGET, 1);
                peer.charge(OVER_BUDGET, "signature budget exhausted by orphan " + tx.id());
            }
        } catch (InvalidLedgerObjectException e) {
            if (e.reason() == ValidationReason.UNKNOWN_INPUT && parentMayArrive(tx, e, epoch)) {
                if (orphans.holdAgain(orphan, arrivals, System.nanoTime()) == OrphanTransactions.Held.PARENT_ARRIVED) {
                    retry(List.of(orphan));
                }
                return;
            }
            metrics.orphans(OrphanTransactions.Outcome.REFUSED, 1);
            rejects.add(tx.id(), e.reason(), epoch);
            if (DISHONEST.contains(e.reason())) {
                peer.charge(e.reason().label(), "orphan " + tx.id() + ": " + e.getMessage());
            }
        } catch (Mempool.FullException e) {
            metrics.orphans(OrphanTransactions.Outcome.REFUSED, 1);
        } catch (RuntimeException e) { // counted, then logged by the task
            metrics.orphans(OrphanTransactions.Outcome.REFUSED, 1);
            throw e;
        }
    }

    /** The same transaction twice in one push is never honest, and would cost its checks twice. */
    private static void refuseDuplicates(List<Transaction> transactions) {
        Set<String> seen = new HashSet<>();
        for (Transaction tx : transactions) {
            if (!seen.add(tx.id())) {
                throw new PeerMisbehaviourException(ValidationReason.DUPLICATE_TRANSACTION.label(),
                        "PUSHTRANSACTION carries " + tx.id() + " twice");
            }
        }
    }

    public void closed(PeerSession peer) {
        synchronized (this) {
            known.remove(peer);
            positions.remove(peer);
            outboundDue.remove(peer);
        }
        budgets.remove(peer);
        requests.closed(peer, System.nanoTime());
        orphans.forget(peer);
    }

    /** Requests not delivered in time (or whose peer left) go to the next peer that announced them. */
    void rerequest() {
        TransactionRequests.Reassigned reassigned = requests.reassign(System.nanoTime());
        metrics.transactionsUnreceived(reassigned.reassigned(), reassigned.abandoned());
        reassigned.moved().forEach((peer, ids) -> {
            for (int from = 0; from < ids.size(); from += Limits.MAX_REQUESTED_TRANSACTIONS) {
                peer.send(GetBlockMessage.transactions(ids.subList(from,
                        Math.min(ids.size(), from + Limits.MAX_REQUESTED_TRANSACTIONS))));
            }
        });
    }

    private RollingBloomFilter knownTo(PeerSession peer) {
        return known.computeIfAbsent(peer, p -> new RollingBloomFilter(KNOWN_PER_PEER, 1e-6));
    }

    @Override
    protected boolean enabled() {
        return true;
    }

    @Override
    protected Duration firstDelay() {
        return period();
    }

    /** Rerequests, and a safety net for the wake-ups: announcements themselves go when their timers are due. */
    @Override
    protected Duration period() {
        return Duration.ofMillis(REREQUEST_MILLIS / 4);
    }

    /** Ids that arrived before the task started scheduled no wake-up: the first tick makes one. */
    @Override
    public synchronized void start() {
        woken = false; // in the same hold of the monitor as the start: no id can slip in between
        super.start();
    }

    @Override
    protected void tick() {
        long now = System.nanoTime();
        boolean wake;
        synchronized (this) {
            wake = !woken && announceDue(now) >= 0;
            woken |= wake;
        }
        if (wake) {
            later(this::wake, Duration.ZERO);
        }
        if (now - rerequestDue >= 0) {
            rerequestDue = now + REREQUEST_MILLIS * 1_000_000;
            rerequest();
            orphans.expire(now);
        }
        if (now - rebroadcastDue >= 0) {
            rebroadcastDue = now + jittered(relay.rebroadcastInterval());
            rebroadcast(now);
        }
    }
}
