package net.tallynet.node.sync;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.time.Duration;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.p2p.BoundedMaps;
import net.tallynet.p2p.PeerMisbehaviourException;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.p2p.PeerSession;
import net.tallynet.p2p.PeriodicTask;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.ValidationReason;
import net.tallynet.protocol.message.BroadcastTransactionMessage;
import net.tallynet.protocol.message.GetBlockMessage;
import net.tallynet.protocol.message.HelloMessage;
import net.tallynet.protocol.message.PushTransactionMessage;
import org.springframework.stereotype.Component;

/**
 * Transaction relay (PROTOCOL.md 7.5): new mempool transactions are announced by id in batches
 * every {@link #BATCH_MILLIS} to node peers not known to have them; announced ids we lack are
 * fetched with GETBLOCK {@code transactions}; pushed transactions enter the mempool.
 */
@Component
public class TransactionRelay extends PeriodicTask implements Ledger.Listener {
    static final long BATCH_MILLIS = 200;
    static final int KNOWN_PER_PEER = 20_000;
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
    private final Map<PeerSession, Map<String, Boolean>> known = new HashMap<>();
    private final Map<String, Object> pending = new LinkedHashMap<>();

    public TransactionRelay(Ledger ledger, Mempool mempool, ChainStore store, PeerRegistry peers,
                            RelayMetrics metrics) {
        super("tx-relay");
        this.ledger = ledger;
        this.mempool = mempool;
        this.store = store;
        this.peers = peers;
        this.metrics = metrics;
        ledger.addListener(this);
    }

    @Override
    public synchronized void transactionAdded(Transaction tx, Object source) {
        if (source instanceof PeerSession peer) {
            knownTo(peer).put(tx.id(), true);
        }
        pending.put(tx.id(), source == null ? this : source);
    }

    /** Sends the batch of ids collected since the last flush to each node peer that may lack them. */
    synchronized void flush() {
        if (pending.isEmpty()) {
            return;
        }
        for (PeerSession peer : peers.established()) {
            if (!HelloMessage.ROLE_NODE.equals(peer.remoteHello().role())) {
                continue;
            }
            Map<String, Boolean> peerKnows = knownTo(peer);
            List<String> ids = new ArrayList<>();
            int sent = 0;
            for (String id : pending.keySet()) {
                if (peerKnows.put(id, true) == null) {
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
        pending.clear();
    }

    public synchronized void onAnnounce(PeerSession peer, BroadcastTransactionMessage announcement) {
        Map<String, Boolean> peerKnows = knownTo(peer);
        List<String> wanted = new ArrayList<>();
        for (String id : announcement.ids()) {
            peerKnows.put(id, true);
            if (mempool.find(id).isEmpty() && store.locate(id).isEmpty()) {
                wanted.add(id);
            }
        }
        if (!wanted.isEmpty()) {
            peer.send(GetBlockMessage.transactions(wanted));
        }
    }

    public void onPush(PeerSession peer, PushTransactionMessage push) {
        for (Transaction tx : push.transactions()) {
            synchronized (this) {
                knownTo(peer).put(tx.id(), true);
            }
            try {
                ledger.acceptTransaction(tx, peer);
            } catch (InvalidLedgerObjectException e) {
                if (DISHONEST.contains(e.reason())) {
                    throw new PeerMisbehaviourException(e.reason().label(), e.getMessage());
                }
            } catch (Mempool.FullException e) {
                // no room for a low fee: not the peer's fault
            }
        }
    }

    public synchronized void closed(PeerSession peer) {
        known.remove(peer);
    }

    private Map<String, Boolean> knownTo(PeerSession peer) {
        return known.computeIfAbsent(peer, p -> BoundedMaps.evictingEldest(KNOWN_PER_PEER, false));
    }

    @Override
    protected boolean enabled() {
        return true;
    }

    @Override
    protected Duration firstDelay() {
        return Duration.ofMillis(BATCH_MILLIS);
    }

    @Override
    protected Duration period() {
        return Duration.ofMillis(BATCH_MILLIS);
    }

    @Override
    protected void tick() {
        flush();
    }
}
