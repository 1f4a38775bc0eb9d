package net.tallynet.tracker.dashboard;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/network}: the active members and the connections between them that their own
 * {@code /api/peers} showed at {@code polledAt} (null before the first poll).
 */
public record NetworkView(List<Node> nodes, List<Link> links, Instant polledAt) {

    /** An active member; {@code height} is the blockCount of its last HELLO, null if none was seen. */
    public record Node(String nodeId, String host, int port, Long height, String status) {
    }

    /** A connection between two members, whichever side opened it; {@code from} sorts before {@code to}. */
    public record Link(String from, String to) implements Comparable<Link> {

        static Link between(String a, String b) {
            return a.compareTo(b) < 0 ? new Link(a, b) : new Link(b, a);
        }

        @Override
        public int compareTo(Link other) {
            int first = from.compareTo(other.from);
            return first != 0 ? first : to.compareTo(other.to);
        }
    }
}
