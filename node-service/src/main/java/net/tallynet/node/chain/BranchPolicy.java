package net.tallynet.node.chain;

import java.math.BigInteger;
import java.util.Map;
import net.tallynet.p2p.BoundedMaps;

/**
 * Which side-branch blocks are worth storing (security review item 4). A block that would not make
 * its branch the best chain is stored only if its branch leaves the best chain at most
 * {@code maxForkDepth} blocks below the tip, and only if the branch carries, since that fork point, at
 * least a quarter of the work per block that the best chain carries over the same stretch. Without
 * these, a peer could fork far back, where timestamps spread over a long past let the target ease to
 * the easiest, and fill the disk with cheap blocks. A branch with more work than the best chain is
 * always stored (it becomes the best chain), and an honest competing branch, mined at the same
 * difficulty, passes both rules. The cost: a partition longer than {@code maxForkDepth} blocks no
 * longer heals by itself, as in chains with a finality depth, which is why that depth is large and
 * the work rule does most of the refusing. Headers first (issue 11, not built yet) would know a
 * branch's whole work before fetching any of it; without headers, these rules bound what is stored.
 */
final class BranchPolicy {
    /** Fork points of side-branch blocks seen lately, so a long branch is not walked back for every block. */
    private static final int REMEMBERED_FORKS = 10_000;
    /** A branch must carry at least 1/{@value} of the best chain's work per block since their fork. */
    static final int WORK_RATIO = 4;

    private final ChainStore store;
    private final int maxForkDepth;
    private final Map<String, Long> forkOf = BoundedMaps.evictingEldest(REMEMBERED_FORKS, false);

    BranchPolicy(ChainStore store, int maxForkDepth) {
        this.store = store;
        this.maxForkDepth = maxForkDepth;
    }

    /**
     * Why a block with {@code work} on top of {@code parent} is not stored, or null if it is. Called
     * only for a block whose work does not pass the tip's, before its context is checked: it reads
     * block links and best-chain work, never a block body.
     */
    Chain.Outcome refusal(StoredHeader parent, long number, BigInteger work, StoredHeader tip) {
        long fork = forkPoint(parent, tip.number());
        if (fork < 0 || tip.number() - fork > maxForkDepth) {
            return Chain.Outcome.FORK_TOO_DEEP;
        }
        BigInteger forkWork = new BigInteger(store.mainChainWorkAt(fork).orElseThrow(), 16);
        BigInteger mainSince = new BigInteger(tip.chainWork(), 16).subtract(forkWork);
        BigInteger branchSince = work.subtract(forkWork);
        // branchSince / (number - fork) >= mainSince / (tip - fork) / WORK_RATIO, without division
        BigInteger required = mainSince.multiply(BigInteger.valueOf(number - fork));
        BigInteger carried = branchSince.multiply(BigInteger.valueOf(tip.number() - fork)).multiply(
                BigInteger.valueOf(WORK_RATIO));
        return carried.compareTo(required) < 0 ? Chain.Outcome.LOW_WORK_BRANCH : null;
    }

    /** A block of a side branch was stored: its fork point is its parent's. */
    void stored(String hash, StoredHeader parent, long tipNumber) {
        long fork = forkPoint(parent, tipNumber);
        if (fork >= 0) {
            forkOf.put(hash, fork);
        }
    }

    /** The best chain changed under the side branches: their fork points may have moved. */
    void bestChainChanged() {
        forkOf.clear();
    }

    /**
     * The number of the best-chain block from which {@code parent}'s branch leaves, or -1 if it is
     * not found within the depth allowed (walked back through block links, at most that far).
     */
    private long forkPoint(StoredHeader parent, long tipNumber) {
        if (store.mainChainHashAt(parent.number()).filter(parent.hash()::equals).isPresent()) {
            return parent.number();
        }
        Long known = forkOf.get(parent.hash());
        if (known != null) {
            return known;
        }
        long lowest = tipNumber - maxForkDepth;
        String cursor = parent.previousHash();
        for (long number = parent.number() - 1; number >= Math.max(0, lowest); number--) {
            BranchLink link = store.link(cursor).orElse(null);
            if (link == null) {
                return -1;
            }
            if (link.mainChain()) {
                forkOf.put(parent.hash(), link.number());
                return link.number();
            }
            cursor = link.previousHash();
        }
        return -1;
    }
}
