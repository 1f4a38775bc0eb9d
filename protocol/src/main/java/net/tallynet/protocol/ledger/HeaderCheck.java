package net.tallynet.protocol.ledger;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import net.tallynet.protocol.message.BlockRef;

/**
 * Headers first (PROTOCOL.md 7.7): the entries of a LISTOFBLOCKS are checked as headers before any
 * body is asked for. Each entry's fields must hash to its hash, the hash must meet its target, the
 * target must be the one the chain before it requires, and its time must be after the median of the
 * blocks before it: the same rules, through the same {@link BlockValidator} functions, that the chain
 * applies to a stored block, so a header passing here cannot fail them later. The work of the chain
 * the entries make is summed as they pass, for the work rule of the node's block sync.
 *
 * <p>The ancestors an entry's context needs come from a window of the last headers checked, seeded
 * once per list from the headers the caller knows: a list of 2,000 entries costs 2,000 hashes and
 * about twenty lookups, not a walk per entry.
 */
public final class HeaderCheck {
    private final ChainParams params;
    private final Clock clock;
    private final int window;

    public HeaderCheck(ChainParams params, Clock clock) {
        this.params = params;
        this.clock = clock;
        this.window = (int) Math.max(params.medianTimeSpan(), params.retargetInterval());
    }

    /** Headers an entry's context may reach back: the parent and its ancestors, this many at most. */
    public int window() {
        return window;
    }

    /**
     * Checks {@code refs} (one chain, already linked) after a parent that {@code known} finds.
     * Returns the checked headers in list order: fewer than listed if one is too far in the future
     * (it and what follows wait for a later list, uncharged: the sender's clock may be ahead of ours).
     *
     * @throws InvalidLedgerObjectException the first entry that breaks a rule, with the rule's reason
     */
    public List<KnownHeader> check(List<BlockRef> refs, Function<String, Optional<KnownHeader>> known)
            throws InvalidLedgerObjectException {
        List<KnownHeader> checked = new ArrayList<>(refs.size());
        if (refs.isEmpty()) {
            return checked;
        }
        Deque<KnownHeader> ancestors = new ArrayDeque<>(window + 1); // newest first
        KnownHeader cursor = known.apply(refs.getFirst().previousHash()).orElseThrow(
                () -> new IllegalStateException("the list's parent is not known: link it first"));
        while (cursor != null && ancestors.size() < window) {
            ancestors.addLast(cursor);
            cursor = cursor.number() == 0 ? null : known.apply(cursor.ref().previousHash()).orElse(null);
        }
        for (BlockRef ref : refs) {
            BlockValidator.checkProofOfWork(ref.hash(), ref.computedHash(), ref.target());
            if (ref.time() > BlockValidator.latestTime(clock, params)) {
                break;
            }
            KnownHeader parent = ancestors.getFirst();
            int depth = BlockValidator.contextDepth(ref.number(), params);
            List<Long> times = ancestors.stream().limit(depth).map(header -> header.ref().time()).toList();
            BlockValidator.checkContext(ref.number(), ref.previousHash(), ref.target(), ref.time(),
                    BlockValidator.contextAfter(parent.number(), parent.hash(), parent.ref().target(), times, params));
            KnownHeader header = new KnownHeader(ref, parent.chainWork().add(Difficulty.work(ref.target())));
            checked.add(header);
            ancestors.addFirst(header);
            if (ancestors.size() > window) {
                ancestors.removeLast();
            }
        }
        return checked;
    }
}
