package net.tallynet.node.sync;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.tallynet.p2p.BoundedMaps;
import net.tallynet.p2p.PeerSession;

/**
 * Transaction ids asked for with GETBLOCK {@code transactions} and not yet received (review item 22):
 * each id is requested from one peer at a time; peers that announce it meanwhile are remembered and
 * asked in turn if the first does not deliver within the timeout or disconnects.
 */
final class TransactionRequests {
    /** Ids outstanding at once; a peer announcing ids it never serves fills this, so the eldest are forgotten. */
    static final int MAX_IN_FLIGHT = 20_000;
    /** Other peers remembered per id, to ask in turn. */
    static final int MAX_ANNOUNCERS = 8;

    private final long timeoutNanos;
    private final Map<String, Request> inFlight = BoundedMaps.evictingEldest(MAX_IN_FLIGHT, false);

    private static final class Request {
        PeerSession peer;
        long deadline;
        final Deque<PeerSession> others = new ArrayDeque<>();

        Request(PeerSession peer, long deadline) {
            this.peer = peer;
            this.deadline = deadline;
        }
    }

    TransactionRequests(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    synchronized boolean inFlight(String id) {
        return inFlight.containsKey(id);
    }

    /**
     * Of {@code ids} announced by {@code peer}, those to request from it now (they become in flight
     * to it); the others are in flight to another peer already, and {@code peer} is next in line.
     */
    synchronized List<String> claim(PeerSession peer, List<String> ids, long now) {
        List<String> mine = new ArrayList<>();
        for (String id : ids) {
            Request request = inFlight.get(id);
            if (request == null) {
                inFlight.put(id, new Request(peer, now + timeoutNanos));
                mine.add(id);
            } else if (request.peer != peer && !request.others.contains(peer) && request.others.size() < MAX_ANNOUNCERS) {
                request.others.add(peer);
            }
        }
        return mine;
    }

    /** The transaction arrived (from anyone) or is otherwise settled: nothing to wait for. */
    synchronized void received(String id) {
        inFlight.remove(id);
    }

    /**
     * What {@link #reassign} did: the ids to request now, by peer, and how many ids it forgot because no
     * other peer had announced them.
     */
    record Reassigned(Map<PeerSession, List<String>> moved, int abandoned) {
        int reassigned() {
            return moved.values().stream().mapToInt(List::size).sum();
        }
    }

    /** Requests past their deadline move to the next peer that announced the id (forgotten if none). */
    synchronized Reassigned reassign(long now) {
        Map<PeerSession, List<String>> moved = new HashMap<>();
        int abandoned = 0;
        var entries = inFlight.entrySet().iterator();
        while (entries.hasNext()) {
            var entry = entries.next();
            Request request = entry.getValue();
            if (now - request.deadline < 0) {
                continue;
            }
            PeerSession next = request.others.poll();
            if (next == null) {
                entries.remove();
                abandoned++;
                continue;
            }
            request.peer = next;
            request.deadline = now + timeoutNanos;
            moved.computeIfAbsent(next, p -> new ArrayList<>()).add(entry.getKey());
        }
        return new Reassigned(moved, abandoned);
    }

    /** A peer left: what it was asked for moves on at the next {@link #reassign}, and it is asked for nothing more. */
    synchronized void closed(PeerSession peer, long now) {
        for (Request request : inFlight.values()) {
            request.others.remove(peer);
            if (request.peer == peer) {
                request.deadline = now;
            }
        }
    }
}
