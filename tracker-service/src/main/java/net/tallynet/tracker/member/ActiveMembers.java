package net.tallynet.tracker.member;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The active members in memory, for ADDR answers. Sampling in the database (ORDER BY RANDOM())
 * costs time in proportion to the member table on every GETADDR, which any peer can send; here a
 * sample costs O(k). The database stays the truth: the index is rebuilt from it after every check
 * round and updated on every registration.
 */
public final class ActiveMembers {
    private final List<ActiveMember> entries = new ArrayList<>();
    private final Map<String, Integer> positions = new HashMap<>();
    /**
     * Active members per host and per network, for the caps (MemberLimits): two count queries on every
     * new registration were a third of its database time (issue 19, a profile).
     */
    private final Map<String, Integer> perHost = new HashMap<>();
    private final Map<String, Integer> perNetgroup = new HashMap<>();

    /** An address and when the tracker last knew it alive (epoch ms). */
    public record ActiveMember(String host, int port, long lastSeen) {

        /** The form the JPQL query builds. */
        public ActiveMember(String host, int port, java.time.Instant lastSeen) {
            this(host, port, lastSeen.toEpochMilli());
        }

        String key() {
            return host + " " + port;
        }
    }

    public synchronized void replaceAll(List<ActiveMember> active) {
        entries.clear();
        positions.clear();
        perHost.clear();
        perNetgroup.clear();
        active.forEach(this::putLocked);
    }

    public synchronized void put(ActiveMember member) {
        putLocked(member);
    }

    public synchronized int size() {
        return entries.size();
    }

    synchronized int atHost(String host) {
        return perHost.getOrDefault(host, 0);
    }

    synchronized int inNetgroup(String netgroup) {
        return perNetgroup.getOrDefault(netgroup, 0);
    }

    /** Up to {@code limit} distinct random members, never host:port itself. */
    public synchronized List<ActiveMember> sample(String host, int port, int limit) {
        Integer self = positions.get(host + " " + port);
        int available = entries.size() - (self == null ? 0 : 1);
        int wanted = Math.min(limit, available);
        List<ActiveMember> sample = new ArrayList<>(wanted);
        if (wanted <= 0) {
            return sample;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (wanted * 2 > available) {
            // a large share of everything: shuffle a copy of the indices (partial Fisher-Yates)
            int[] order = new int[entries.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            for (int i = 0; i < order.length && sample.size() < wanted; i++) {
                int j = i + random.nextInt(order.length - i);
                int chosen = order[j];
                order[j] = order[i];
                if (self == null || chosen != self) {
                    sample.add(entries.get(chosen));
                }
            }
            return sample;
        }
        // a small share: probe random positions; expected probes stay below 2 * wanted
        Set<Integer> taken = new HashSet<>();
        while (sample.size() < wanted) {
            int candidate = random.nextInt(entries.size());
            if ((self == null || candidate != self) && taken.add(candidate)) {
                sample.add(entries.get(candidate));
            }
        }
        return sample;
    }

    private void putLocked(ActiveMember member) {
        Integer at = positions.get(member.key());
        if (at != null) {
            entries.set(at, member);
        } else {
            positions.put(member.key(), entries.size());
            entries.add(member);
            perHost.merge(member.host(), 1, Integer::sum);
            perNetgroup.merge(Netgroup.of(member.host()), 1, Integer::sum);
        }
    }
}
