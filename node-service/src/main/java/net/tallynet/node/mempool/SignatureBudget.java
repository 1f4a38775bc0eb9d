package net.tallynet.node.mempool;

/**
 * How many signature checks the bringer of a transaction may still cost us: the mempool asks it once
 * a transaction has passed every cheap rule, before verifying the transaction's signatures.
 */
@FunctionalInterface
public interface SignatureBudget {
    /** For this node's own transactions (REST, wallet, a reorganisation's returns): no limit. */
    SignatureBudget UNLIMITED = signatures -> true;

    /** Takes {@code signatures} from the budget; false (and nothing taken) if it does not hold that many. */
    boolean tryConsume(long signatures);
}
