package net.tallynet.node.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import net.tallynet.node.sync.OrphanTransactions.Held;
import net.tallynet.node.sync.OrphanTransactions.Outcome;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.ledger.TxOutput;
import org.junit.jupiter.api.Test;

/** The orphan pool's bounds and index on their own: what is held, released, evicted, expired and forgotten. */
class OrphanTransactionsTest {
    private static final long MINUTE = 60_000_000_000L;
    private static final String ADDRESS = "00".repeat(20);

    private final Map<Outcome, Integer> counted = new EnumMap<>(Outcome.class);
    private final OrphanTransactions<Object> pool = new OrphanTransactions<>(3, 20 * MINUTE,
            (outcome, n) -> counted.merge(outcome, n, Integer::sum));
    private final Object alice = "alice";
    private final Object bob = "bob";

    @Test
    void anOrphanIsReleasedByAnyOfItsParentsOnce() {
        Transaction child = spending(parent(1), parent(2));
        assertThat(pool.hold(child, alice, 0, 0)).isEqualTo(Held.HELD);
        assertThat(pool.hold(child, alice, 0, 0)).as("held already").isEqualTo(Held.NOT_HELD);
        assertThat(pool.contains(child.id())).isTrue();

        assertThat(pool.release(List.of(parent(9)))).isEmpty();
        assertThat(pool.release(List.of(parent(2)))).extracting(o -> o.tx().id()).containsExactly(child.id());
        assertThat(pool.release(List.of(parent(1)))).as("gone from every parent's list").isEmpty();
        assertThat(pool.size()).isZero();
        assertThat(counted).containsEntry(Outcome.HELD, 1).doesNotContainKey(Outcome.EVICTED);
    }

    @Test
    void aFullPoolEvictsTheOldestOfThePeerHoldingMost() {
        List<Transaction> alices = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            alices.add(spending(parent(10 + i)));
            pool.hold(alices.getLast(), alice, 0, i);
        }
        Transaction bobs = spending(parent(20));
        pool.hold(bobs, bob, 0, 5);
        assertThat(pool.contains(alices.getFirst().id())).isFalse();
        assertThat(pool.contains(bobs.id())).isTrue();
        // bob's next is not held at the price of his first: alice still holds the most
        Transaction bobsSecond = spending(parent(21));
        pool.hold(bobsSecond, bob, 0, 6);
        assertThat(pool.contains(alices.get(1).id())).isFalse();
        assertThat(pool.contains(bobs.id())).isTrue();
        assertThat(pool.size()).isEqualTo(3);
        assertThat(counted).containsEntry(Outcome.EVICTED, 2);
        assertThat(pool.release(List.of(parent(10)))).as("an evicted orphan leaves the index").isEmpty();
    }

    @Test
    void orphansExpireOldestFirstAndLeaveWithTheirPeer() {
        Transaction first = spending(parent(30));
        Transaction second = spending(parent(31));
        Transaction bobs = spending(parent(32));
        pool.hold(first, alice, 0, 0);
        pool.hold(second, alice, 0, 10 * MINUTE);
        pool.hold(bobs, bob, 0, 10 * MINUTE);

        assertThat(pool.expire(20 * MINUTE)).isEqualTo(1);
        assertThat(pool.contains(first.id())).isFalse();
        assertThat(pool.contains(second.id())).isTrue();

        pool.forget(alice);
        assertThat(pool.contains(second.id())).isFalse();
        assertThat(pool.contains(bobs.id())).isTrue();
        assertThat(counted).containsEntry(Outcome.EXPIRED, 1).containsEntry(Outcome.FORGOTTEN, 1);
    }

    @Test
    void aTransactionWithMoreThanTheBoundOfPartsIsNotHeld() {
        List<TxInput> inputs = new ArrayList<>();
        for (int i = 0; i <= OrphanTransactions.MAX_PARTS; i++) {
            inputs.add(new TxInput(parent(40), i, "", ""));
        }
        assertThat(pool.hold(Transaction.of(inputs, List.of(new TxOutput(ADDRESS, 1))), alice, 0, 0)).isEqualTo(Held.NOT_HELD);
        assertThat(pool.size()).isZero();
        assertThat(counted).containsEntry(Outcome.TOO_LARGE, 1).doesNotContainKey(Outcome.HELD);
    }

    @Test
    void aParentArrivingDuringItsChildsCheckHandsTheChildStraightBack() {
        long checkedFrom = pool.arrivals();
        pool.release(List.of(parent(50))); // while the child's check ran, after it found parent 50 missing
        Transaction child = spending(parent(50));
        assertThat(pool.hold(child, alice, checkedFrom, 0)).isEqualTo(Held.PARENT_ARRIVED);
        assertThat(pool.contains(child.id())).isFalse();

        // checked again after that arrival and still missing an output (say output 7 of a parent with one):
        // held, not handed back again and again
        assertThat(pool.hold(child, alice, pool.arrivals(), 0)).isEqualTo(Held.HELD);
        assertThat(counted).containsEntry(Outcome.HELD, 2);
    }

    @Test
    void anOrphanHeldAgainKeepsItsExpiryAndIsCountedOnce() {
        Transaction child = spending(parent(60), parent(61));
        pool.hold(child, alice, 0, 0);
        OrphanTransactions.Orphan<Object> released = pool.release(List.of(parent(60))).getFirst();

        assertThat(pool.holdAgain(released, pool.arrivals(), 5 * MINUTE)).isEqualTo(Held.HELD);
        assertThat(pool.release(List.of(parent(61)))).extracting(o -> o.heldSince()).containsExactly(0L);
        assertThat(pool.holdAgain(released, pool.arrivals(), 20 * MINUTE)).as("past its expiry").isEqualTo(Held.NOT_HELD);
        assertThat(counted).containsEntry(Outcome.HELD, 1).containsEntry(Outcome.EXPIRED, 1);
    }

    private static String parent(int n) {
        return String.format("%064x", n);
    }

    private static Transaction spending(String... parents) {
        List<TxInput> inputs = new ArrayList<>();
        for (String parent : parents) {
            inputs.add(new TxInput(parent, 0, "", ""));
        }
        return Transaction.of(inputs, List.of(new TxOutput(ADDRESS, 1)));
    }
}
