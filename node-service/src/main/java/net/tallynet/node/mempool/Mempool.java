package net.tallynet.node.mempool;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import net.tallynet.node.chain.Admitted;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.chain.Outpoint;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.CanonicalEncoding;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TransactionValidator;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.ledger.TxOutput;
import net.tallynet.protocol.ledger.Utxo;
import net.tallynet.protocol.ledger.UtxoView;
import net.tallynet.protocol.ledger.ValidationReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Valid transactions waiting for a block. Bounded in count and bytes; when full, a better-paying
 * transaction (fee per byte) pushes out the worst. A transaction may spend outputs of another in
 * the pool; one that spends what another already spends is refused as a double spend.
 * <p>
 * Admission checks the cheap rules first (lookups, amounts, room), then the signatures <em>outside</em>
 * the pool's lock, then takes the lock again only to re-check what may have moved meanwhile: a block
 * connecting (which needs this lock) never waits for a peer's signature checks (review item 8).
 */
public class Mempool {
    private static final Logger log = LoggerFactory.getLogger(Mempool.class);
    private final ChainStore chain;
    private final TransactionValidator validator;
    private final MempoolProperties properties;
    private final Map<String, Entry> byId = new LinkedHashMap<>();
    private final Map<Outpoint, String> spentBy = new HashMap<>();
    /**
     * Each pooled transaction's encoding as a block's frame carries it ({@link ChainStore#encode(Transaction)}): a
     * block made of pooled transactions is then written mostly by copying ({@link #admitted}). Kept here, not in
     * {@link Entry}, so that no caller of {@link #entries} holds an array that is copied into stored frames.
     */
    private final Map<String, byte[]> encodings = new HashMap<>();
    private long bytes;
    /** Bumped whenever a pooled transaction leaves or the chain moves: what was checked before may no longer hold. */
    private long version;
    private final LongAdder signatureChecks = new LongAdder();

    /**
     * A pooled transaction with its fee, canonical size and when this node pooled it (epoch milliseconds: how
     * far a payment has spread is read across nodes from it, as blocks' first-seen times are).
     */
    public record Entry(Transaction tx, long fee, int size, long pooledAt) {
        public double feeRate() {
            return (double) fee / size;
        }
    }

    /** What {@link #add} did. */
    public enum Added {
        ADDED,
        ALREADY_KNOWN,
        /** Passed the cheap rules, but the bringer's {@link SignatureBudget} would not pay for its signatures: not checked. */
        OVER_BUDGET
    }

    /** The pool is full of transactions paying at least as well. */
    public static final class FullException extends Exception {
        FullException(String message) {
            super(message);
        }
    }

    public Mempool(ChainStore chain, TransactionValidator validator, MempoolProperties properties) {
        this.chain = chain;
        this.validator = validator;
        this.properties = properties;
    }

    public Added add(Transaction tx) throws InvalidLedgerObjectException, FullException {
        return add(tx, SignatureBudget.UNLIMITED);
    }

    /** Validates and pools {@code tx}, its signature checks paid from {@code budget}. */
    public Added add(Transaction tx, SignatureBudget budget) throws InvalidLedgerObjectException, FullException {
        // the id is a claim: check it before trusting it as "already known", or a forgery passes as a duplicate
        if (!tx.id().equals(CanonicalEncoding.transactionId(tx))) {
            throw new InvalidLedgerObjectException(ValidationReason.BAD_TRANSACTION_ID, "transaction claims id " + tx.id());
        }
        long checkedAt;
        synchronized (this) {
            if (byId.containsKey(tx.id())) {
                return Added.ALREADY_KNOWN;
            }
            refuseConflicts(tx);
            checkedAt = version;
        }
        if (chain.locate(tx.id()).isPresent()) {
            return Added.ALREADY_KNOWN;
        }
        long fee = validator.checkWithoutSignatures(tx, view(), chain.tip().number() + 1);
        Entry entry = new Entry(tx, fee, CanonicalEncoding.transaction(tx, true).length, 0);
        refuseBelowMinimumFee(entry);
        synchronized (this) {
            // a transaction that would find no room costs no signature checks either
            roomFor(entry, false);
        }
        if (!budget.tryConsume(tx.inputs().size())) {
            return Added.OVER_BUDGET;
        }
        signatureChecks.add(tx.inputs().size());
        validator.verifySignatures(tx);
        byte[] encoding = chain.encode(tx);
        synchronized (this) {
            if (byId.containsKey(tx.id())) {
                return Added.ALREADY_KNOWN;
            }
            refuseConflicts(tx);
            if (version != checkedAt) {
                // a parent left the pool or the chain moved while the signatures were checked (rare): the
                // cheap rules again, now under the lock; the signatures still hold, they depend on nothing else
                fee = validator.checkWithoutSignatures(tx, view(), chain.tip().number() + 1);
            }
            entry = new Entry(tx, fee, entry.size(), System.currentTimeMillis());
            roomFor(entry, true);
            // the one way into the pool: a block carrying this instance trusts what was checked above (admitted)
            byId.put(tx.id(), entry);
            encodings.put(tx.id(), encoding);
            tx.inputs().forEach(input -> spentBy.put(outpoint(input.txId(), input.index()), tx.id()));
            bytes += entry.size();
            return Added.ADDED;
        }
    }

    /** No free relay (review item 23): checked before the signatures, so a refused transaction costs none. */
    private void refuseBelowMinimumFee(Entry entry) throws InvalidLedgerObjectException {
        if (entry.fee() * 1000 < properties.minFeeRate() * entry.size()) {
            throw new InvalidLedgerObjectException(ValidationReason.FEE_TOO_LOW, "transaction " + entry.tx().id()
                    + " pays " + entry.fee() + " for " + entry.size() + " bytes; the minimum is " + properties.minFeeRate()
                    + " per 1000 bytes (" + (properties.minFeeRate() * entry.size() + 999) / 1000 + ")");
        }
    }

    /** Ed25519 verifications done for transactions offered to the pool (not for blocks): what admission costs. */
    public long signatureChecks() {
        return signatureChecks.sum();
    }

    private void refuseConflicts(Transaction tx) throws InvalidLedgerObjectException {
        for (TxInput input : tx.inputs()) {
            String other = spentBy.get(outpoint(input.txId(), input.index()));
            if (other != null) {
                throw new InvalidLedgerObjectException(ValidationReason.DOUBLE_SPEND, input.txId() + ":" + input.index()
                        + " is already spent by " + other + " in the mempool");
            }
        }
    }

    /** A block joined the best chain: its transactions, and everything conflicting with them, leave the pool. */
    public synchronized void blockConnected(Block block) {
        version++;
        for (Transaction tx : block.transactions()) {
            if (byId.containsKey(tx.id())) {
                // the pool admits no conflicts, so what spends its inputs here is itself, gone with it
                removeOnly(tx.id());
                continue;
            }
            for (TxInput input : tx.inputs()) {
                String conflicting = spentBy.get(outpoint(input.txId(), input.index()));
                if (conflicting != null) {
                    removeWithDescendants(conflicting);
                }
            }
        }
    }

    /**
     * Blocks left the best chain (oldest first, after the new branch's blocks were connected): their
     * transactions come back where still valid, then every pooled transaction is checked again.
     */
    public synchronized void blocksDisconnected(List<Block> oldestFirst) {
        version++;
        for (Block block : oldestFirst) {
            for (Transaction tx : block.transactions().subList(1, block.transactions().size())) {
                try {
                    add(tx);
                } catch (InvalidLedgerObjectException | FullException e) {
                    // spent differently on the new chain, or no room: it is simply dropped
                }
            }
        }
        revalidate();
    }

    /**
     * Checks every pooled transaction again against the chain as it is now, and removes those that no
     * longer fit, with everything built on them; returns how many left. After a switch of branches a
     * pooled transaction may spend an output only a disconnected block created, or a coinbase not yet
     * mature at the new height, and a block template carrying it would be refused (Bitcoin Core's
     * removeForReorg). Signatures are not checked again: they depend on nothing that changed.
     */
    public synchronized int revalidate() {
        version++;
        long height = chain.tip().number() + 1;
        int before = byId.size();
        for (Entry entry : List.copyOf(byId.values())) { // parents were pooled before their children
            String id = entry.tx().id();
            if (byId.containsKey(id)) {
                try {
                    validator.checkWithoutSignatures(entry.tx(), view(id), height);
                } catch (InvalidLedgerObjectException e) {
                    if (chain.locate(id).isPresent()) {
                        removeOnly(id); // a block carries it: what spends its outputs is still good
                    } else {
                        log.info("pooled transaction {} no longer fits the chain ({}); removed with its descendants", id,
                                e.getMessage());
                        removeWithDescendants(id);
                    }
                }
            }
        }
        return before - byId.size();
    }

    /**
     * Transactions for a block of at most {@code maxBytes}: among those whose pooled parents are already
     * chosen, the best fee rate next; a transaction that does not fit is skipped, and so, never ready, are its
     * descendants. One pass with a priority queue, O(n log n) (review item 23: the former passes over the
     * whole pool until nothing changed were quadratic on chains, under the pool's lock). A child paying for
     * its parent (ancestor score) is not looked at: each waits for its own parents on its own rate.
     */
    public synchronized List<Entry> select(long maxBytes) {
        Map<String, Integer> parentsLeft = new HashMap<>();
        Map<String, List<Entry>> children = new HashMap<>();
        PriorityQueue<Entry> ready = new PriorityQueue<>(Comparator.comparingDouble(Entry::feeRate).reversed());
        for (Entry entry : byId.values()) {
            Set<String> parents = new HashSet<>();
            for (TxInput input : entry.tx().inputs()) {
                if (byId.containsKey(input.txId())) {
                    parents.add(input.txId());
                }
            }
            if (parents.isEmpty()) {
                ready.add(entry);
            } else {
                parentsLeft.put(entry.tx().id(), parents.size());
                parents.forEach(parent -> children.computeIfAbsent(parent, p -> new ArrayList<>()).add(entry));
            }
        }
        List<Entry> chosen = new ArrayList<>();
        long size = 0;
        while (!ready.isEmpty()) {
            Entry best = ready.poll();
            if (size + best.size() > maxBytes) {
                continue;
            }
            chosen.add(best);
            size += best.size();
            for (Entry child : children.getOrDefault(best.tx().id(), List.of())) {
                if (parentsLeft.merge(child.tx().id(), -1, Integer::sum) == 0) {
                    ready.add(child);
                }
            }
        }
        return chosen;
    }

    public synchronized Optional<Entry> entry(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Optional<Transaction> find(String id) {
        return entry(id).map(Entry::tx);
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(byId.values());
    }

    /**
     * What admission worked out for those of {@code transactions} that are pooled as these very instances (their
     * ids were computed from their contents, their sizes measured and their encodings written on admission, their
     * keys and signatures checked): what a block made of them (rebuilt from the pool, or mined here) need not do
     * again. It rests on every pooled instance having passed {@link #add}'s checks: nothing may be pooled another way.
     */
    public synchronized Admitted admitted(List<Transaction> transactions) {
        int[] sizes = new int[transactions.size()];
        Map<Transaction, byte[]> known = new IdentityHashMap<>();
        for (int i = 0; i < sizes.length; i++) {
            Transaction tx = transactions.get(i);
            Entry entry = byId.get(tx.id());
            if (entry != null && entry.tx() == tx) {
                sizes[i] = entry.size();
                known.put(tx, encodings.get(tx.id()));
            } else {
                sizes[i] = -1;
            }
        }
        return new Admitted(sizes, known);
    }

    public synchronized int size() {
        return byId.size();
    }

    public synchronized long bytes() {
        return bytes;
    }

    /** The chain's unspent outputs, plus outputs of pooled transactions, minus what the pool already spends. */
    public UtxoView view() {
        return view(null);
    }

    /** As {@link #view()}, except that what {@code spender} (a pooled transaction) spends still counts as unspent. */
    private UtxoView view(String spender) {
        long height = chain.tip().number() + 1;
        return (txId, index) -> {
            synchronized (this) {
                String spentByPooled = spentBy.get(outpoint(txId, index));
                if (spentByPooled != null && !spentByPooled.equals(spender)) {
                    return Optional.empty();
                }
                Entry pooled = byId.get(txId);
                if (pooled != null) {
                    if (index >= pooled.tx().outputs().size()) {
                        return Optional.empty();
                    }
                    TxOutput output = pooled.tx().outputs().get((int) index);
                    return Optional.of(new Utxo(txId, index, output.address(), output.amount(), height, false));
                }
            }
            return chain.find(txId, index);
        };
    }

    /**
     * Makes room for {@code entry} by evicting worse-paying transactions, or refuses it. Without
     * {@code evict}, only a quick look before the signature checks: full, and the worst pays as well.
     */
    private void roomFor(Entry entry, boolean evict) throws FullException {
        while (byId.size() + 1 > properties.maxTransactions() || bytes + entry.size() > properties.maxBytes()) {
            Entry worst = byId.values().stream().min(Comparator.comparingDouble(Entry::feeRate)).orElseThrow();
            refuseIfNotWorse(worst, entry);
            if (!evict) {
                return;
            }
            removeWithDescendants(worst.tx().id());
        }
    }

    /** A newcomer pushes out the worst only by paying the incremental fee rate more per byte. */
    private void refuseIfNotWorse(Entry worst, Entry entry) throws FullException {
        if (worst.feeRate() + properties.incrementalFeeRate() / 1000.0 > entry.feeRate()) {
            throw full(entry);
        }
    }

    private FullException full(Entry entry) {
        return new FullException("mempool full (" + byId.size() + " transactions, " + bytes
                + " bytes) of transactions paying at least " + String.format("%.3f", entry.feeRate())
                + " per byte; pushing one out takes " + properties.incrementalFeeRate() + " per 1000 bytes more");
    }

    private void removeWithDescendants(String id) {
        Entry entry = byId.get(id);
        if (entry == null) {
            return;
        }
        removeOnly(id);
        for (int i = 0; i < entry.tx().outputs().size(); i++) {
            String child = spentBy.get(outpoint(id, i));
            if (child != null) {
                removeWithDescendants(child);
            }
        }
    }

    private void removeOnly(String id) {
        Entry entry = byId.remove(id);
        if (entry != null) {
            encodings.remove(id);
            version++;
            entry.tx().inputs().forEach(input -> spentBy.remove(outpoint(input.txId(), input.index())));
            bytes -= entry.size();
        }
    }

    /** A record, not "txId:index": a lookup builds no string (a block's thousands of inputs are looked up here). */
    private static Outpoint outpoint(String txId, long index) {
        return new Outpoint(txId, index);
    }
}
