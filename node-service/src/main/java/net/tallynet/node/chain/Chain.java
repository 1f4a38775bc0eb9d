package net.tallynet.node.chain;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.tallynet.p2p.BoundedMaps;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.BlockValidator;
import net.tallynet.protocol.ledger.ChainParams;
import net.tallynet.protocol.ledger.Difficulty;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import net.tallynet.protocol.ledger.UtxoChanges;
import net.tallynet.protocol.ledger.ValidationReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's view of the chain: accepts blocks, keeps the valid chain with the most cumulative work
 * as the best chain, and reorganises onto a better branch (disconnecting back to the fork point,
 * then connecting the branch), returning to the old chain if the branch turns out invalid.
 *
 * <p>Blocks found invalid are remembered (the newest {@value #REMEMBERED_INVALID}), so one sent again, or
 * a child of one, is refused without validating it again. Only blocks whose hash was checked are
 * remembered, and only for failures after the stateless checks (which also prove the transactions are
 * the ones the header commits to): a forged body or a claimed hash cannot get an honest block refused.
 * A block too far in the future is not remembered either: it may become valid.
 */
public class Chain {
    private static final Logger log = LoggerFactory.getLogger(Chain.class);
    static final int REMEMBERED_INVALID = 10_000;

    private final ChainStore store;
    private final BlockJournal journal;
    private final BlockValidator validator;
    private final ChainParams params;
    /** Blocks found invalid, each with whether it failed the spend rules alone ({@link #failedOnlySpendRules}). */
    private final Map<String, Boolean> invalid = BoundedMaps.evictingEldest(REMEMBERED_INVALID, false);
    private final BranchPolicy branches;
    /** A switch of branches failed in the store ({@link #goBack}): finish it before the next block. */
    private boolean resumeAtNextBlock;
    /**
     * Blocks the side-branch policy refused lately, and so their descendants: not downloaded again from
     * every list or announcement that names them (a peer on a deep fork would else send them round after round).
     */
    private final Map<String, Outcome> notStored = BoundedMaps.evictingEldest(REMEMBERED_INVALID, false);

    /**
     * {@code maxForkDepth}: side branches leaving the best chain deeper below the tip are not stored ({@link
     * BranchPolicy}); {@code journal}: where each block is recorded before it is stored (null: nowhere, so the
     * last blocks before a kill may be lost; tests of chain rules only).
     */
    public Chain(ChainStore store, BlockValidator validator, ChainParams params, String network, int maxForkDepth,
                 BlockJournal journal) {
        this.store = store;
        this.journal = journal;
        this.branches = new BranchPolicy(store, maxForkDepth);
        this.validator = validator;
        this.params = params;
        Block genesis = Genesis.of(network);
        store.useVaryingBinaryColumns();
        store.upgradeUndoRows();
        store.initialise(genesis, Difficulty.toHex(Difficulty.work(genesis.target())));
        store.recoverCoins();
    }

    /** Without a journal: chain-rule tests. */
    public Chain(ChainStore store, BlockValidator validator, ChainParams params, String network, int maxForkDepth) {
        this(store, validator, params, network, maxForkDepth, null);
    }

    public enum Outcome {
        /** The block extended the best chain. */
        CONNECTED,
        /** The block made another branch the best chain. */
        REORGANISED,
        /** Valid so far, stored, but its branch has less work than the best chain. */
        SIDE_BRANCH,
        ALREADY_KNOWN,
        /** Its parent is unknown: the sender should be asked for the blocks in between. */
        ORPHAN,
        /** Not stored: its side branch leaves the best chain too far below the tip ({@link BranchPolicy}). */
        FORK_TOO_DEEP,
        /** Not stored: its side branch carries too little work per block ({@link BranchPolicy}). */
        LOW_WORK_BRANCH;

        /** Whether the block was refused by the side-branch policy: not stored, not invalid either. */
        public boolean refused() {
            return this == FORK_TOO_DEEP || this == LOW_WORK_BRANCH;
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What accepting a block did; {@code disconnected} holds blocks whose transactions may return to the mempool. */
    public record Result(Outcome outcome, List<Block> connected, List<Block> disconnected) {
        static Result of(Outcome outcome) {
            return new Result(outcome, List.of(), List.of());
        }

        /** This switch followed by {@code next}: blocks in the order they left and joined the best chain. */
        Result then(Result next) {
            List<Block> joined = new ArrayList<>(connected);
            List<Block> left = new ArrayList<>(disconnected);
            // a block that joined here and left in next did both: report neither
            for (Block block : next.disconnected()) {
                if (!joined.remove(block)) {
                    left.add(block);
                }
            }
            joined.addAll(next.connected());
            Outcome outcome = !left.isEmpty() && next.outcome() == Outcome.CONNECTED ? Outcome.REORGANISED : next.outcome();
            return new Result(outcome, joined, left);
        }
    }

    public Result accept(Block block) throws InvalidLedgerObjectException {
        return accept(block, Admitted.NONE, stored -> {
        });
    }

    /**
     * As {@link #accept(Block)}; {@code storedWithMoreWork} hears of the block once it has passed every rule but
     * the spend rules, would become the tip and is stored durably (journaled: the database's commit may come
     * after), before those rules run: a relay may push it on from there (PROTOCOL.md 12.1). Called holding this
     * chain, so it must be quick; a failure in it is logged and does not stop the block. {@code admitted}: what the
     * mempool checked and encoded of the block's transactions, not done again.
     */
    public synchronized Result accept(Block block, Admitted admitted, Consumer<Block> storedWithMoreWork)
            throws InvalidLedgerObjectException {
        if (resumeAtNextBlock) {
            resumeAtNextBlock = false;
            // a switch the store failed: finish it first (or fail again, and come back here next time)
            Result resumed = resume();
            return resumed.then(acceptOne(block, admitted, storedWithMoreWork));
        }
        return acceptOne(block, admitted, storedWithMoreWork);
    }

    private Result acceptOne(Block block, Admitted admitted, Consumer<Block> storedWithMoreWork)
            throws InvalidLedgerObjectException {
        if (invalid.containsKey(block.hash())) {
            throw new InvalidLedgerObjectException(ValidationReason.KNOWN_INVALID, "block " + block.hash()
                    + " was found invalid before");
        }
        if (store.has(block.hash(), block.number())) {
            return Result.of(Outcome.ALREADY_KNOWN);
        }
        validator.checkStateless(block, admitted.checkedSizes());
        if (invalid.containsKey(block.previousHash())) {
            invalid.put(block.hash(), false);
            throw new InvalidLedgerObjectException(ValidationReason.INVALID_PARENT, "parent " + block.previousHash()
                    + " is invalid");
        }
        Outcome refusedBefore = notStored.getOrDefault(block.hash(), notStored.get(block.previousHash()));
        if (refusedBefore != null) {
            notStored.put(block.hash(), refusedBefore);
            return Result.of(refusedBefore);
        }
        StoredHeader parent = store.storedHeader(block.previousHash()).orElse(null);
        if (parent == null) {
            return Result.of(Outcome.ORPHAN);
        }
        BigInteger work = new BigInteger(parent.chainWork(), 16).add(Difficulty.work(block.target()));
        StoredHeader tip = store.tip();
        boolean side = work.compareTo(new BigInteger(tip.chainWork(), 16)) <= 0;
        if (side) {
            // before the context check: that walks stored headers, this only block links
            Outcome refused = branches.refusal(parent, parent.number() + 1, work, tip);
            if (refused != null) {
                notStored.put(block.hash(), refused);
                log.info("block {} #{} not stored: {} (tip #{})", block.hash(), block.number(), refused.label(),
                        tip.number());
                return Result.of(refused);
            }
        }
        try {
            validator.checkContext(block, contextAfter(parent));
        } catch (InvalidLedgerObjectException e) {
            invalid.put(block.hash(), false);
            throw e;
        }
        if (!side && parent.hash().equals(tip.hash())) {
            return extendTip(block, Difficulty.toHex(work), admitted, storedWithMoreWork);
        }
        storeDurably(block, Difficulty.toHex(work), admitted, side ? () -> {
        } : () -> passOn(block, storedWithMoreWork));
        if (side) {
            branches.stored(block.hash(), parent, tip.number());
            log.info("block {} #{} stored on a side branch", block.hash(), block.number());
            return Result.of(Outcome.SIDE_BRANCH);
        }
        return switchTo(block);
    }

    private static void passOn(Block block, Consumer<Block> storedWithMoreWork) {
        try {
            storedWithMoreWork.accept(block);
        } catch (RuntimeException e) {
            log.warn("block {} #{}: passing it on before its spend rules failed ({})", block.hash(), block.number(), e.toString());
        }
    }

    /**
     * The journal record comes first: once the block is in the store it can be reported, and so must survive a
     * kill. {@code durable} runs once it would (journaled, or without a journal stored), before the database's
     * own commit where there is a journal: a push need not wait for it, since a restart stores what the journal
     * holds (7.8).
     */
    private void storeDurably(Block block, String chainWork, Admitted admitted, Runnable durable) {
        if (journal == null) {
            store.store(block, chainWork);
            durable.run();
            return;
        }
        byte[] frame = store.encode(block, admitted);
        journal.append(frame, () -> {
            durable.run();
            return store.store(block, chainWork, frame);
        });
    }

    /**
     * The usual block, a child of the tip: journaled, passed on, then checked against the spend rules and stored
     * and connected in one transaction ({@link ChainStore#storeAndConnect}), all before the journal may be
     * checkpointed (as {@link #storeDurably}). A block failing the spend rules is not stored at all (a
     * switch stores it, then forgets it). If the store fails, the block is stored alone if it can be, and the
     * next block connects it first ({@link #resume}), as after a failed switch.
     */
    private Result extendTip(Block block, String chainWork, Admitted admitted, Consumer<Block> storedWithMoreWork)
            throws InvalidLedgerObjectException {
        byte[] frame = store.encode(block, admitted);
        InvalidLedgerObjectException refused;
        if (journal == null) {
            refused = storeAndConnect(block, chainWork, frame, admitted);
            if (refused == null) {
                passOn(block, storedWithMoreWork);
            }
        } else {
            refused = journal.append(frame, () -> {
                passOn(block, storedWithMoreWork);
                return storeAndConnect(block, chainWork, frame, admitted);
            });
        }
        if (refused != null) {
            log.warn("block {} #{} is invalid ({}); staying on the previous chain", block.hash(), block.number(),
                    refused.getMessage());
            invalid.put(block.hash(), true); // step 3 alone: it may have been pushed on (12.1)
            throw refused;
        }
        return new Result(Outcome.CONNECTED, List.of(block), List.of());
    }

    /**
     * The spend rules, then the one transaction; the rules' refusal is returned (null: connected). A store that
     * fails, in the rules' reads or in the transaction, leaves the block stored alone if it can.
     */
    private InvalidLedgerObjectException storeAndConnect(Block block, String chainWork, byte[] frame, Admitted admitted) {
        try {
            UtxoChanges changes;
            try {
                // acceptOne checked this block, with the same admitted instances
                changes = validator.connectChecked(block, store.viewFor(block), admitted.checkedSizes());
            } catch (InvalidLedgerObjectException e) {
                return e;
            }
            store.storeAndConnect(block, chainWork, frame, changes);
        } catch (RuntimeException e) {
            log.error("connecting block {} #{} failed in the store ({}); storing it to connect later", block.hash(),
                    block.number(), e.toString());
            try {
                store.store(block, chainWork, frame);
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            resumeAtNextBlock = true;
            throw e;
        }
        return null;
    }

    /**
     * At start-up, before {@link #resume}: the blocks the journal holds that the store lacks (committed
     * before a kill, but not yet in the database's file) are accepted again. Returns how many.
     */
    public synchronized int replayJournal() {
        if (journal == null) {
            return 0;
        }
        int[] replayed = {0};
        int read = journal.replayEarlier(frame -> {
            Block block;
            try {
                block = store.decodeFrame(frame);
            } catch (RuntimeException e) {
                log.warn("a journaled block does not decode ({}); skipped", e.getMessage());
                return;
            }
            if (!store.has(block.hash())) {
                try {
                    if (!accept(block).outcome().refused() && store.has(block.hash())) {
                        replayed[0]++;
                    }
                } catch (InvalidLedgerObjectException e) {
                    log.warn("journaled block {} #{} refused on replay: {}", block.hash(), block.number(), e.getMessage());
                }
            }
        });
        if (read > 0) {
            log.info("block journal: {} blocks read, {} of them not in the store and accepted again", read, replayed[0]);
        }
        return replayed[0];
    }

    /**
     * At start-up: if a stored branch has more work than the tip (a crash in the middle of a
     * reorganisation), finish the switch; a branch that proves invalid is forgotten and the next best tried.
     * Also after a switch the store failed part way ({@link #goBack}). Returns what moved.
     */
    public synchronized Result resume() {
        Result done = Result.of(Outcome.ALREADY_KNOWN);
        StoredBlock best = store.mostWork();
        // strictly more work: a branch only as good as the tip stays a side branch, as it was when it arrived
        // (with ties in the query's order a restart could otherwise switch, and the next one switch back)
        while (best.chainWork().compareTo(store.tip().chainWork()) > 0) {
            log.info("resuming: switching to stored block {} #{} with more work", best.hash(), best.number());
            try {
                done = done.then(switchTo(store.block(best.hash()).orElseThrow()));
            } catch (InvalidLedgerObjectException e) {
                // switchTo has forgotten the invalid part; look again
            }
            best = store.mostWork();
        }
        return done;
    }

    public StoredHeader tip() {
        return store.tip();
    }

    /**
     * What moved since the best chain ended at {@code oldTip}, read from the store: its blocks now off the best
     * chain (newest first) and the best chain's blocks after the fork (oldest first). For a move no {@link Result}
     * reported: a switch the store left part way, or one finished ({@link #resume}) before the block that came was
     * refused (review item 20). {@code oldTip} was on the best chain, so it and its ancestors are stored.
     */
    public synchronized Result movedSince(String oldTip) {
        List<Block> disconnected = offBestChain(oldTip);
        String fork = disconnected.isEmpty() ? oldTip : disconnected.getLast().previousHash();
        List<Block> connected = new ArrayList<>();
        long tip = store.tip().number();
        for (long number = store.storedHeader(fork).orElseThrow().number() + 1; number <= tip; number++) {
            connected.add(store.block(store.mainChainAt(number).orElseThrow().hash()).orElseThrow());
        }
        return new Result(disconnected.isEmpty() ? Outcome.CONNECTED : Outcome.REORGANISED, connected, disconnected);
    }

    /** Whether the block is remembered as invalid (or as the child of an invalid one). */
    public synchronized boolean wasInvalid(String hash) {
        return invalid.containsKey(hash);
    }

    /**
     * Whether the block is remembered as invalid for its spend rules alone (5.7 step 3): it passed everything
     * else, was stored and may have been pushed on before they ran (PROTOCOL.md 12.1), as peers may push it too.
     */
    public synchronized boolean failedOnlySpendRules(String hash) {
        return Boolean.TRUE.equals(invalid.get(hash));
    }

    /** Whether the block was refused lately by the side-branch policy (or descends from one that was). */
    public synchronized boolean wasNotStored(String hash) {
        return notStored.containsKey(hash);
    }

    /** The context a child of the current tip is checked against: what a miner must build on. */
    public synchronized BlockValidator.ParentContext nextContext() {
        return contextAfter(store.tip());
    }

    /** The stored block {@code hash} and its ancestors, newest first, down to the first on the best chain (excluded). */
    private List<Block> offBestChain(String hash) {
        List<Block> off = new ArrayList<>();
        BranchLink link = store.link(hash).orElseThrow();
        while (!link.mainChain()) {
            off.add(store.block(hash).orElseThrow());
            hash = link.previousHash();
            link = store.link(hash).orElseThrow();
        }
        return off;
    }

    private Result switchTo(Block newTip) throws InvalidLedgerObjectException {
        Deque<Block> branch = new ArrayDeque<>();
        branch.add(newTip);
        String fork = newTip.previousHash();
        // the usual case, a child of the tip, reads nothing more; a branch is walked back through block links
        if (!fork.equals(store.tip().hash())) {
            List<Block> below = offBestChain(fork);
            below.forEach(branch::addFirst);
            fork = below.isEmpty() ? fork : below.getLast().previousHash();
        }
        List<Block> disconnected = new ArrayList<>();
        List<Block> connected = new ArrayList<>();
        try {
            while (!store.tip().hash().equals(fork)) {
                Block old = store.block(store.tip().hash()).orElseThrow();
                store.disconnect(old);
                disconnected.add(old);
            }
            for (Block block : branch) {
                try {
                    store.connect(block, validator.connect(block, store.viewFor(block)));
                    connected.add(block);
                } catch (InvalidLedgerObjectException e) {
                    log.warn("block {} #{} is invalid ({}); staying on the previous chain", block.hash(), block.number(),
                            e.getMessage());
                    invalid.put(block.hash(), true); // step 3 alone: it may have been pushed on (12.1)
                    int forgotten = store.forget(block.hash());
                    log.warn("forgot {} stored blocks on that branch", forgotten);
                    goBack(connected, disconnected, e);
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            // the store failed (a full disk, a lost connection), not the branch: every block so far was one
            // transaction of its own, so go back block by block, and try the branch again later
            log.error("switching to block {} #{} failed in the store ({}); going back to the previous chain", newTip.hash(),
                    newTip.number(), e.toString());
            goBack(connected, disconnected, e);
            resumeAtNextBlock = true;
            throw e;
        }
        Outcome outcome = disconnected.isEmpty() ? Outcome.CONNECTED : Outcome.REORGANISED;
        if (outcome == Outcome.REORGANISED) {
            branches.bestChainChanged();
            notStored.clear(); // fork points moved: what was too deep or too light may not be any more
            log.info("reorganised: {} blocks disconnected back to {}, {} connected, tip {} #{}", disconnected.size(),
                    fork, connected.size(), newTip.hash(), newTip.number());
        }
        return new Result(outcome, connected, disconnected);
    }

    /**
     * Undoes a failed switch: the new branch off, the old blocks (valid before) back on. If the store fails
     * here too, the chain is left part way (each block connected or not, never half): the next block to
     * arrive first finishes the switch to the stored block with the most work ({@link #resume}), as a restart
     * would; the failure is added to {@code cause}.
     */
    private void goBack(List<Block> connected, List<Block> disconnected, Exception cause) {
        try {
            for (int i = connected.size() - 1; i >= 0; i--) {
                store.disconnect(connected.get(i));
            }
            for (int i = disconnected.size() - 1; i >= 0; i--) {
                Block old = disconnected.get(i);
                store.connect(old, validator.connect(old, store.viewFor(old)));
            }
        } catch (RuntimeException | InvalidLedgerObjectException again) {
            log.error("going back to the previous chain failed too ({}); resuming at the next block", again.toString());
            resumeAtNextBlock = true;
            cause.addSuppressed(again);
        }
    }

    /** The parent context of a child of {@code parent}: expected target and median time past. */
    private BlockValidator.ParentContext contextAfter(StoredHeader parent) {
        int depth = BlockValidator.contextDepth(parent.number() + 1, params);
        List<Long> times = new ArrayList<>(depth);
        StoredHeader cursor = parent;
        for (int i = 0; i < depth && cursor != null; i++) {
            times.add(cursor.time());
            cursor = cursor.number() == 0 ? null : store.storedHeader(cursor.previousHash()).orElse(null);
        }
        return BlockValidator.contextAfter(parent.number(), parent.hash(), parent.target(), times, params);
    }
}
