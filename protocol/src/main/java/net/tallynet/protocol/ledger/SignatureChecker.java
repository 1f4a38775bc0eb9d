package net.tallynet.protocol.ledger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * Verifies transaction signatures for blocks and for the mempool. Two things make a block's check
 * cheap (Bitcoin Core's signature cache and check queue):
 * <ul>
 * <li>a bounded set of transactions whose signatures were verified at mempool admission: a block
 * carrying them verifies none of them again. It is keyed by the id computed here from the whole
 * transaction, signatures included, never by the id a sender claimed; and signature validity depends
 * on nothing but the transaction and the network id, so a result once true stays true;</li>
 * <li>the rest of a block's transactions split among {@code threads} threads (the caller's included).</li>
 * </ul>
 */
public final class SignatureChecker implements AutoCloseable {
    /** Below this many transactions left to verify, handing work to other threads costs more than it saves. */
    private static final int MIN_PARALLEL = 8;

    private final String networkId;
    private final int threads;
    private final ExecutorService helpers;
    private final Set<String> verified;
    private final LongAdder verifications = new LongAdder();

    /**
     * @param threads   threads verifying one block at once, the caller's included (1: the caller alone)
     * @param cacheSize transactions remembered as verified (0: none)
     */
    public SignatureChecker(String networkId, int threads, int cacheSize) {
        if (threads < 1 || cacheSize < 0) {
            throw new IllegalArgumentException("signature checks need at least one thread and a cache of 0 or more");
        }
        this.networkId = networkId;
        this.threads = threads;
        this.helpers = threads > 1
                ? Executors.newFixedThreadPool(threads - 1, Thread.ofPlatform().name("signatures-", 0).daemon().factory())
                : null;
        this.verified = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > cacheSize;
            }
        }));
    }

    /** The caller's thread alone, nothing remembered: what a validator without a shared checker uses. */
    public static SignatureChecker sequential(String networkId) {
        return new SignatureChecker(networkId, 1, 0);
    }

    /** One transaction, as the mempool admits it: verified unless known, and remembered once valid. */
    public void verify(Transaction tx) throws InvalidLedgerObjectException {
        String id = CanonicalEncoding.transactionId(tx);
        if (verified.contains(id)) {
            return;
        }
        check(tx);
        verified.add(id);
    }

    /**
     * Every transaction of a block (coinbase excluded by the caller). Those verified before are skipped;
     * the others are verified on up to {@code threads} threads. When some are bad, the one reported is the
     * first in the block's order, whatever thread found it.
     */
    public void verifyAll(List<Transaction> transactions) throws InvalidLedgerObjectException {
        verifyAll(transactions, false);
    }

    /**
     * As {@link #verifyAll(List)} for transactions whose claimed ids were already checked against their contents
     * ({@link BlockValidator#checkStateless} checks every one of a block's): the cache is asked by those ids,
     * without encoding and hashing each transaction once more. A block of 1,000 payments paid that a third time
     * per transaction, on a node without the JIT's SHA-256 intrinsic (the devnet's relaying nodes) tens of
     * milliseconds.
     */
    public void verifyAllWithCheckedIds(List<Transaction> transactions) throws InvalidLedgerObjectException {
        verifyAll(transactions, true);
    }

    private void verifyAll(List<Transaction> transactions, boolean idsChecked) throws InvalidLedgerObjectException {
        List<Transaction> todo = new ArrayList<>(transactions.size());
        for (Transaction tx : transactions) {
            if (!verified.contains(idsChecked ? tx.id() : CanonicalEncoding.transactionId(tx))) {
                todo.add(tx);
            }
        }
        if (helpers == null || todo.size() < MIN_PARALLEL) {
            for (Transaction tx : todo) {
                check(tx);
            }
            return;
        }
        int parts = Math.min(threads, todo.size() / (MIN_PARALLEL / 2));
        List<CompletableFuture<Failure>> others = new ArrayList<>();
        for (int part = 1; part < parts; part++) {
            int from = part;
            others.add(CompletableFuture.supplyAsync(() -> firstFailure(todo, from, parts), helpers));
        }
        Failure failure = firstFailure(todo, 0, parts);
        for (CompletableFuture<Failure> other : others) {
            Failure found = other.join();
            if (found != null && (failure == null || found.position() < failure.position())) {
                failure = found;
            }
        }
        if (failure != null) {
            throw failure.exception();
        }
    }

    /** Ed25519 verifications done so far, one per input (transactions found in the cache cost none). */
    public long verifications() {
        return verifications.sum();
    }

    private record Failure(int position, InvalidLedgerObjectException exception) {
    }

    /** Verifies every {@code parts}-th transaction from {@code first}: interleaved, so each part gets big and small ones. */
    private Failure firstFailure(List<Transaction> todo, int first, int parts) {
        for (int i = first; i < todo.size(); i += parts) {
            try {
                check(todo.get(i));
            } catch (InvalidLedgerObjectException e) {
                return new Failure(i, e);
            }
        }
        return null;
    }

    private void check(Transaction tx) throws InvalidLedgerObjectException {
        verifications.add(tx.inputs().size());
        SpendRules.verifySignatures(tx, networkId);
    }

    /** Parts already handed out still run (a block being checked at shutdown finishes); nothing new starts. */
    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdown();
        }
    }
}
