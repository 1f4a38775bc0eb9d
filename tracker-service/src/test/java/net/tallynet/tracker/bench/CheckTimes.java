package net.tallynet.tracker.bench;

import java.util.Arrays;
import java.util.BitSet;

/**
 * When each simulated member was last checked (its HELLO answered), and the time between one check
 * of a member and the next, counted from the moment {@link #observeFrom} is called: the schedule a
 * tracker keeps is the interval each member sees, whatever its rounds do. Called on the members'
 * selector thread and read at the end; synchronized, uncontended.
 */
final class CheckTimes {
    private final long[] last;
    private final BitSet checked;
    private int[] intervals = new int[1024];
    private int count;
    private int answers;

    CheckTimes(int members) {
        last = new long[members];
        checked = new BitSet(members);
    }

    /** Forgets what was counted so far (not when each member was last checked, which the next interval needs). */
    synchronized void observeFrom() {
        checked.clear();
        count = 0;
        answers = 0;
    }

    synchronized void answered(int member) {
        long now = System.nanoTime();
        if (last[member] != 0) {
            if (count == intervals.length) {
                intervals = Arrays.copyOf(intervals, count * 2);
            }
            intervals[count++] = (int) ((now - last[member]) / 1_000_000);
        }
        checked.set(member);
        answers++;
        last[member] = now;
    }

    /** Members checked at least once since {@link #observeFrom}. */
    synchronized int checkedMembers() {
        return checked.cardinality();
    }

    /** HELLOs answered since {@link #observeFrom}. */
    synchronized int answers() {
        return answers;
    }

    /** The intervals seen, in milliseconds, sorted. */
    synchronized int[] sortedIntervals() {
        int[] sorted = Arrays.copyOf(intervals, count);
        Arrays.sort(sorted);
        return sorted;
    }
}
