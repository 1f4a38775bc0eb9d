package net.tallynet.protocol.ledger;

import static net.tallynet.protocol.ledger.ValidationReason.BAD_BLOCK_HASH;
import static net.tallynet.protocol.ledger.ValidationReason.BAD_COINBASE_INDEX;
import static net.tallynet.protocol.ledger.ValidationReason.BAD_MERKLE_ROOT;
import static net.tallynet.protocol.ledger.ValidationReason.BAD_PROOF_OF_WORK;
import static net.tallynet.protocol.ledger.ValidationReason.DUPLICATE_TRANSACTION;
import static net.tallynet.protocol.ledger.ValidationReason.MISPLACED_COINBASE;
import static net.tallynet.protocol.ledger.ValidationReason.MISSING_COINBASE;
import static net.tallynet.protocol.ledger.ValidationReason.OVERSIZED_BLOCK;
import static net.tallynet.protocol.ledger.ValidationReason.TIME_NOT_AFTER_MEDIAN;
import static net.tallynet.protocol.ledger.ValidationReason.TIME_TOO_FAR_IN_FUTURE;
import static net.tallynet.protocol.ledger.ValidationReason.WRONG_COINBASE_AMOUNT;
import static net.tallynet.protocol.ledger.ValidationReason.WRONG_NUMBER;
import static net.tallynet.protocol.ledger.ValidationReason.WRONG_PREVIOUS;
import static net.tallynet.protocol.ledger.ValidationReason.WRONG_TARGET;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The block rules, in three steps a node runs in order: {@link #checkStateless} when a block
 * arrives, {@link #checkContext} once its parent is known, {@link #connect} when it joins the best
 * chain (which needs the unspent outputs and yields the undo data).
 */
public final class BlockValidator {
    private final ChainParams params;
    private final Clock clock;
    private final SignatureChecker signatures;

    public BlockValidator(ChainParams params, String networkId, Clock clock) {
        this(params, clock, SignatureChecker.sequential(networkId));
    }

    /** With {@code signatures} shared with the mempool's {@link TransactionValidator}: what it verified is not verified again. */
    public BlockValidator(ChainParams params, Clock clock, SignatureChecker signatures) {
        this.params = params;
        this.clock = clock;
        this.signatures = signatures;
    }

    /**
     * What a block's parent says about it.
     *
     * @param expectedTarget  {@link Difficulty#expectedTarget} for this block
     * @param medianTimePast  median time of the last {@code medianTimeSpan} blocks up to the parent
     */
    public record ParentContext(long number, String hash, String expectedTarget, long medianTimePast) {
    }

    /**
     * How many blocks, the parent first, a child at {@code childNumber} needs the times of: the median
     * time span, or at a retarget height the adjustment's window ({@link Difficulty#windowIntervals} + 1 blocks).
     */
    public static int contextDepth(long childNumber, ChainParams params) {
        long window = Difficulty.isRetarget(childNumber, params) ? Difficulty.windowIntervals(childNumber, params) + 1 : 0;
        return (int) Math.max(params.medianTimeSpan(), window);
    }

    /**
     * The context of a child of the given parent, from the times of the parent and its ancestors,
     * newest first: {@link #contextDepth} of them, fewer only when genesis comes first. The chain
     * (stored blocks) and the header check (listed headers) both use this, so they cannot disagree.
     */
    public static ParentContext contextAfter(long parentNumber, String parentHash, String parentTarget,
                                             List<Long> timesNewestFirst, ChainParams params) {
        long number = parentNumber + 1;
        int span = params.medianTimeSpan();
        List<Long> times = timesNewestFirst.subList(0, Math.min(span, timesNewestFirst.size()));
        long intervals = Math.min(Difficulty.windowIntervals(number, params), timesNewestFirst.size() - 1);
        long windowStartTime = timesNewestFirst.get((int) intervals);
        String target = Difficulty.expectedTarget(number, parentTarget, timesNewestFirst.getFirst() - windowStartTime,
                intervals, params);
        return new ParentContext(parentNumber, parentHash, target, medianTime(times));
    }

    /** Proof of work of a header: its fields hash to its hash, and the hash meets its target. */
    public static void checkProofOfWork(String hash, String computedHash, String target)
            throws InvalidLedgerObjectException {
        if (!hash.equals(computedHash)) {
            throw new InvalidLedgerObjectException(BAD_BLOCK_HASH, "block " + hash + " hashes to something else");
        }
        if (!Difficulty.meetsTarget(hash, target)) {
            throw new InvalidLedgerObjectException(BAD_PROOF_OF_WORK, "hash " + hash + " above target " + target);
        }
    }

    /** The latest block (or header) time the clock allows now: its time plus the allowed drift. */
    public static long latestTime(Clock clock, ChainParams params) {
        return clock.millis() + params.maxFutureDrift().toMillis();
    }

    public void checkStateless(Block block) throws InvalidLedgerObjectException {
        checkStateless(block, null);
    }

    /**
     * As {@link #checkStateless(Block)}, except for transactions checked before as they are: where {@code
     * checkedSizes} (one entry per transaction, or null for none) holds a size (0 or more) rather than -1, that very
     * instance (immutable) was admitted to a mempool: its id was computed from its contents and its full encoding
     * measured, so neither is done again here, and its keys and signatures were checked, which {@link
     * #connectChecked(Block, UtxoView, int[])} given the same sizes does not do again. So a size vouches for all of
     * that: only a pool's admission may produce one. A block rebuilt from the pool (compact relay, PROTOCOL.md 12.1) was
     * encoded and hashed anew at every hop, tens of milliseconds for 1,000 payments on a node without the JIT's
     * SHA-256 intrinsic (the devnet's relaying nodes).
     */
    public void checkStateless(Block block, int[] checkedSizes) throws InvalidLedgerObjectException {
        requireSizePerTransaction(block, checkedSizes);
        checkProofOfWork(block.hash(), CanonicalEncoding.blockHash(block), block.target());
        long latest = latestTime(clock, params);
        if (block.time() > latest) {
            throw new InvalidLedgerObjectException(TIME_TOO_FAR_IN_FUTURE, "block time " + block.time() + " is after "
                    + latest);
        }
        List<Transaction> transactions = block.transactions();
        Transaction coinbase = transactions.getFirst();
        if (!coinbase.isCoinbase()) {
            throw new InvalidLedgerObjectException(MISSING_COINBASE, "the first transaction is not a coinbase");
        }
        TxInput coinbaseInput = coinbase.inputs().getFirst();
        if (!coinbaseInput.publicKey().isEmpty() || !coinbaseInput.signature().isEmpty()) {
            // 5.2: a coinbase signs nothing; bytes there would be room a miner fills for free (review item 28)
            throw new InvalidLedgerObjectException(MISSING_COINBASE, "the coinbase input carries a key or a signature");
        }
        if (coinbase.inputs().getFirst().index() != block.number()) {
            throw new InvalidLedgerObjectException(BAD_COINBASE_INDEX, "coinbase index "
                    + coinbase.inputs().getFirst().index() + " in block " + block.number());
        }
        if (!coinbase.id().equals(CanonicalEncoding.transactionId(coinbase))) {
            throw new InvalidLedgerObjectException(ValidationReason.BAD_TRANSACTION_ID, "coinbase has another id");
        }
        SpendRules.sumOutputs(coinbase);
        Set<String> ids = HashSet.newHashSet(transactions.size()); // sized once: a block of 1,000 would resize it 7 times
        long size = CanonicalEncoding.HEADER_BYTES;
        for (int i = 0; i < transactions.size(); i++) {
            Transaction tx = transactions.get(i);
            if (!ids.add(tx.id())) {
                throw new InvalidLedgerObjectException(DUPLICATE_TRANSACTION, "transaction " + tx.id() + " appears twice");
            }
            int checkedSize = checkedSizes == null || i == 0 ? -1 : checkedSizes[i];
            if (i > 0) {
                if (tx.isCoinbase()) {
                    throw new InvalidLedgerObjectException(MISPLACED_COINBASE, "a second coinbase at position " + i);
                }
                if (checkedSize < 0) {
                    byte[] encoded = CanonicalEncoding.transaction(tx, true); // once, for the id and the size
                    SpendRules.checkStateless(tx, encoded);
                    checkedSize = encoded.length;
                } else {
                    SpendRules.checkStatelessWithCheckedId(tx);
                }
            } else {
                checkedSize = CanonicalEncoding.transaction(tx, true).length; // the coinbase: its id was checked above
            }
            size += checkedSize;
            if (size > params.maxBlockBytes()) {
                throw new InvalidLedgerObjectException(OVERSIZED_BLOCK, "block is over " + params.maxBlockBytes() + " bytes");
            }
        }
        String merkleRoot = CanonicalEncoding.merkleRootOf(transactions);
        if (!merkleRoot.equals(block.merkleRoot())) {
            throw new InvalidLedgerObjectException(BAD_MERKLE_ROOT, "merkle root is " + merkleRoot);
        }
    }

    public void checkContext(Block block, ParentContext parent) throws InvalidLedgerObjectException {
        checkContext(block.number(), block.previousHash(), block.target(), block.time(), parent);
    }

    /** The contextual header rules: parent, number, target and time against what the parent says. */
    public static void checkContext(long number, String previousHash, String target, long time, ParentContext parent)
            throws InvalidLedgerObjectException {
        if (!previousHash.equals(parent.hash())) {
            throw new InvalidLedgerObjectException(WRONG_PREVIOUS, "block's parent is " + previousHash);
        }
        if (number != parent.number() + 1) {
            throw new InvalidLedgerObjectException(WRONG_NUMBER, "block " + number + " after block " + parent.number());
        }
        if (!target.equals(parent.expectedTarget())) {
            throw new InvalidLedgerObjectException(WRONG_TARGET, "target " + target + ", expected "
                    + parent.expectedTarget());
        }
        if (time <= parent.medianTimePast()) {
            throw new InvalidLedgerObjectException(TIME_NOT_AFTER_MEDIAN, "block time " + time
                    + " is not after the median " + parent.medianTimePast());
        }
    }

    /** Applies every transaction to {@code chain}; returns what changed (the undo data). Nothing is written. */
    public UtxoChanges connect(Block block, UtxoView chain) throws InvalidLedgerObjectException {
        return connect(block, chain, false, null);
    }

    /**
     * As {@link #connect(Block, UtxoView)} for this very block object just past {@link #checkStateless(Block, int[])},
     * with the same {@code checkedSizes}. Its transactions' ids were computed from their contents there, so the
     * signature cache is asked by them ({@link SignatureChecker#verifyAllWithCheckedIds}) without hashing each
     * transaction again. Where a checked size is 0 or more, that very instance was admitted to a mempool, whose
     * admission verified its signatures and checked every input's key against the address of the output it spends:
     * neither is done again, nor is the signature cache asked (on a node running C1 alone, the cache's look-ups
     * were a twentieth of such a block's connect, its keys' hashes a tenth; {@link
     * SpendRules#applyWithoutSignatures(Transaction, BlockUtxoView, long, ChainParams, boolean)}). Every other rule
     * is checked against {@code chain}. Blocks read back from a store (a switch of branches, rare) go through {@link
     * #connect(Block, UtxoView)}.
     */
    public UtxoChanges connectChecked(Block block, UtxoView chain, int[] checkedSizes) throws InvalidLedgerObjectException {
        requireSizePerTransaction(block, checkedSizes);
        return connect(block, chain, true, checkedSizes);
    }

    private UtxoChanges connect(Block block, UtxoView chain, boolean idsChecked, int[] checkedSizes)
            throws InvalidLedgerObjectException {
        BlockUtxoView view = new BlockUtxoView(chain);
        List<Transaction> transactions = block.transactions();
        long fees = 0;
        // every input of every transaction looked up, and every amount checked, before the first signature:
        // a block failing a cheap rule late in its list costs no signature checks
        // and the transactions whose signatures this block must check: all but the instances a mempool admitted,
        // whose signatures were verified on admission (not even looked up in the cache)
        List<Transaction> unverified = new ArrayList<>(transactions.size() - 1);
        for (int i = 1; i < transactions.size(); i++) {
            boolean admitted = checkedSizes != null && checkedSizes[i] >= 0;
            fees += SpendRules.applyWithoutSignatures(transactions.get(i), view, block.number(), params, admitted);
            if (!admitted) {
                unverified.add(transactions.get(i));
            }
        }
        Transaction coinbase = transactions.getFirst();
        long claimed = SpendRules.sumOutputs(coinbase);
        long allowed = params.rewardAt(block.number()) + fees;
        if (claimed > allowed) {
            throw new InvalidLedgerObjectException(WRONG_COINBASE_AMOUNT, "coinbase claims " + claimed + ", at most "
                    + allowed + " (reward and fees)");
        }
        if (idsChecked) {
            signatures.verifyAllWithCheckedIds(unverified);
        } else {
            signatures.verifyAll(unverified);
        }
        SpendRules.createOutputs(coinbase, view, block.number(), true);
        return view.changes(fees);
    }

    private static void requireSizePerTransaction(Block block, int[] checkedSizes) {
        if (checkedSizes != null && checkedSizes.length != block.transactions().size()) {
            throw new IllegalArgumentException("a checked size per transaction, or none");
        }
    }

    /** The median time of the given block times (any order): what {@link ParentContext#medianTimePast} needs. */
    public static long medianTime(List<Long> times) {
        List<Long> sorted = times.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
