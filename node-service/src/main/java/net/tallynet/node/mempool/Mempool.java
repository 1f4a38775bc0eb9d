package net.tallynet.node.mempool;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.tallynet.node.chain.ChainStore;
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

/**
 * Valid transactions waiting for a block. Bounded in count and bytes; when full, a better-paying
 * transaction (fee per byte) pushes out the worst. A transaction may spend outputs of another in
 * the pool; one that spends what another already spends is refused as a double spend.
 */
public class Mempool {
    private final ChainStore chain;
    private final TransactionValidator validator;
    private final MempoolProperties properties;
    private final Map<String, Entry> byId = new LinkedHashMap<>();
    private final Map<String, String> spentBy = new HashMap<>();
    private long bytes;

    /** A pooled transaction with its fee and canonical size. */
    public record Entry(Transaction tx, long fee, int size) {
        public double feeRate() {
            return (double) fee / size;
        }
    }

    /** What {@link #add} did. */
    public enum Added { ADDED, ALREADY_KNOWN }

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

    public synchronized Added add(Transaction tx) throws InvalidLedgerObjectException, FullException {
        // the id is a claim: check it before trusting it as "already known", or a forgery passes as a duplicate
        if (!tx.id().equals(CanonicalEncoding.transactionId(tx))) {
            throw new InvalidLedgerObjectException(ValidationReason.BAD_TRANSACTION_ID, "transaction claims id " + tx.id());
        }
        if (byId.containsKey(tx.id()) || chain.locate(tx.id()).isPresent()) {
            return Added.ALREADY_KNOWN;
        }
        for (TxInput input : tx.inputs()) {
            String other = spentBy.get(outpoint(input.txId(), input.index()));
            if (other != null) {
                throw new InvalidLedgerObjectException(ValidationReason.DOUBLE_SPEND, input.txId() + ":" + input.index()
                        + " is already spent by " + other + " in the mempool");
            }
        }
        long fee = validator.check(tx, view(), chain.tip().number() + 1);
        Entry entry = new Entry(tx, fee, CanonicalEncoding.transaction(tx, true).length);
        makeRoomFor(entry);
        byId.put(tx.id(), entry);
        tx.inputs().forEach(input -> spentBy.put(outpoint(input.txId(), input.index()), tx.id()));
        bytes += entry.size();
        return Added.ADDED;
    }

    /** A block joined the best chain: its transactions, and everything conflicting with them, leave the pool. */
    public synchronized void blockConnected(Block block) {
        for (Transaction tx : block.transactions()) {
            if (byId.containsKey(tx.id())) {
                removeOnly(tx.id());
            }
            for (TxInput input : tx.inputs()) {
                String conflicting = spentBy.get(outpoint(input.txId(), input.index()));
                if (conflicting != null) {
                    removeWithDescendants(conflicting);
                }
            }
        }
    }

    /** Blocks left the best chain: their transactions come back where still valid. Oldest block first. */
    public synchronized void blocksDisconnected(List<Block> oldestFirst) {
        for (Block block : oldestFirst) {
            for (Transaction tx : block.transactions().subList(1, block.transactions().size())) {
                try {
                    add(tx);
                } catch (InvalidLedgerObjectException | FullException e) {
                    // spent differently on the new chain, or no room: it is simply dropped
                }
            }
        }
    }

    /** Transactions for a block of at most {@code maxBytes}: best fee rate first, parents before children. */
    public synchronized List<Entry> select(long maxBytes) {
        List<Entry> byRate = new ArrayList<>(byId.values());
        byRate.sort(Comparator.comparingDouble(Entry::feeRate).reversed());
        List<Entry> chosen = new ArrayList<>();
        Set<String> included = new HashSet<>();
        long size = 0;
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Entry entry : byRate) {
                if (included.contains(entry.tx().id()) || size + entry.size() > maxBytes) {
                    continue;
                }
                boolean parentsIn = entry.tx().inputs().stream()
                        .allMatch(in -> !byId.containsKey(in.txId()) || included.contains(in.txId()));
                if (parentsIn) {
                    chosen.add(entry);
                    included.add(entry.tx().id());
                    size += entry.size();
                    progress = true;
                }
            }
        }
        return chosen;
    }

    public synchronized Optional<Transaction> find(String id) {
        return Optional.ofNullable(byId.get(id)).map(Entry::tx);
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(byId.values());
    }

    public synchronized int size() {
        return byId.size();
    }

    public synchronized long bytes() {
        return bytes;
    }

    /** The chain's unspent outputs, plus outputs of pooled transactions, minus what the pool already spends. */
    public UtxoView view() {
        long height = chain.tip().number() + 1;
        return (txId, index) -> {
            synchronized (this) {
                if (spentBy.containsKey(outpoint(txId, index))) {
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

    private void makeRoomFor(Entry entry) throws FullException {
        while (byId.size() + 1 > properties.maxTransactions() || bytes + entry.size() > properties.maxBytes()) {
            Entry worst = byId.values().stream().min(Comparator.comparingDouble(Entry::feeRate)).orElseThrow();
            if (worst.feeRate() >= entry.feeRate()) {
                throw new FullException("mempool full (" + byId.size() + " transactions, " + bytes
                        + " bytes) of transactions paying at least " + String.format("%.3f", entry.feeRate()) + " per byte");
            }
            removeWithDescendants(worst.tx().id());
        }
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
            entry.tx().inputs().forEach(input -> spentBy.remove(outpoint(input.txId(), input.index())));
            bytes -= entry.size();
        }
    }

    private static String outpoint(String txId, long index) {
        return txId + ":" + index;
    }
}
