package net.tallynet.tracker.member;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import net.tallynet.protocol.codec.AddrEncoding;
import net.tallynet.protocol.message.AddressEntry;

/**
 * The active members in memory, for ADDR answers. Sampling in the database (ORDER BY RANDOM())
 * costs time in proportion to the member table on every GETADDR, which any peer can send; here a
 * sample costs O(k). The database stays the truth: the index is loaded from it at start, and kept
 * as it is by every registration and every check round.
 */
public final class ActiveMembers {
    /**
     * Each as the ADDR entry it is sent as, built (and checked, as every AddressEntry is) and encoded once when it
     * enters the index or changes, not for each of the answers that sample it: building was about 6% of the
     * tracker's CPU in a registration wave, and encoding, once ADDR was written directly, 6% more (issue 19,
     * profiles). The encoding and its record cost about 100 bytes a member.
     */
    private final List<Indexed> entries = new ArrayList<>();
    private final Map<String, Integer> positions = new HashMap<>();
    /**
     * Active members per host and per network, for the caps (MemberLimits): two count queries on every
     * new registration were a third of its database time (issue 19, a profile).
     */
    private final Map<String, Integer> perHost = new HashMap<>();
    private final Map<String, Integer> perNetgroup = new HashMap<>();
    /**
     * Used under this index's lock. ThreadLocalRandom seeds itself on each thread's first use, and answers run on
     * a fresh virtual thread per registration batch: its seeding was 2.3% of the tracker's samples in a wave.
     */
    private final SplittableRandom random = new SplittableRandom();

    /** An entry and its encoding in an ADDR frame. */
    private record Indexed(AddressEntry entry, byte[] encoded) {
        Indexed(AddressEntry entry) {
            this(entry, AddrEncoding.entry(entry));
        }
    }

    /** An address and when the tracker last knew it alive (epoch ms). */
    public record ActiveMember(String host, int port, long lastSeen) {

        /** The form the JPQL query builds. */
        public ActiveMember(String host, int port, java.time.Instant lastSeen) {
            this(host, port, lastSeen.toEpochMilli());
        }

        String key() {
            return ActiveMembers.key(host, port);
        }

        AddressEntry entry() {
            return new AddressEntry(host, port, lastSeen);
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

    /** Replaces member's entry if its address is in the index (a renewal); false, changing nothing, if not. */
    public synchronized boolean renew(ActiveMember member) {
        return replaceLocked(member);
    }

    private boolean replaceLocked(ActiveMember member) {
        Integer at = positions.get(member.key());
        if (at == null) {
            return false;
        }
        entries.set(at, new Indexed(member.entry()));
        return true;
    }

    /**
     * Takes {@code member} out of the index if its entry is still the one it put there (a newcomer whose
     * registration could not be stored): an entry a renewal or a reload put there since stays.
     */
    public synchronized void remove(ActiveMember member) {
        Integer at = positions.get(member.key());
        if (at != null && entries.get(at).entry().equals(member.entry())) {
            removeLocked(member.host(), member.port(), at);
        }
    }

    /** Takes host:port out of the index, whatever its entry (a member made inactive). */
    public synchronized void remove(String host, int port) {
        Integer at = positions.get(key(host, port));
        if (at != null) {
            removeLocked(host, port, at);
        }
    }

    /** The last entry moves into the removed one's place, so removal is O(1). */
    private void removeLocked(String host, int port, int at) {
        positions.remove(key(host, port));
        Indexed last = entries.removeLast();
        if (at < entries.size()) {
            entries.set(at, last);
            positions.put(key(last.entry().host(), last.entry().port()), at);
        }
        perHost.computeIfPresent(host, (h, count) -> count == 1 ? null : count - 1);
        perNetgroup.computeIfPresent(Netgroup.of(host), (g, count) -> count == 1 ? null : count - 1);
    }

    /**
     * The entries of those of {@code alive} still in the index now carry {@code lastSeen}; others (made inactive
     * or gone since) are not added. Each entry reuses the host string it already holds.
     */
    public synchronized void renewAll(List<MemberAddress> alive, long lastSeen) {
        for (MemberAddress member : alive) {
            Integer at = positions.get(key(member.host(), member.port()));
            if (at != null) {
                AddressEntry old = entries.get(at).entry();
                entries.set(at, new Indexed(new AddressEntry(old.host(), old.port(), lastSeen)));
            }
        }
    }

    /** The index's key of an address (RegistrationWriter keys a batch's registrations by it too). */
    static String key(String host, int port) {
        return host + " " + port;
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
    public List<AddressEntry> sample(String host, int port, int limit) {
        return sample(host, port, limit, Indexed::entry);
    }

    /** As {@link #sample}, each entry as {@link AddrEncoding#entry} encodes it, for {@link AddrEncoding#frame}. */
    public List<byte[]> sampleEncoded(String host, int port, int limit) {
        return sample(host, port, limit, Indexed::encoded);
    }

    private synchronized <T> List<T> sample(String host, int port, int limit, Function<Indexed, T> form) {
        Integer self = positions.get(key(host, port));
        int available = entries.size() - (self == null ? 0 : 1);
        int wanted = Math.min(limit, available);
        List<T> sample = new ArrayList<>(Math.max(wanted, 0));
        if (wanted <= 0) {
            return sample;
        }
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
                    sample.add(form.apply(entries.get(chosen)));
                }
            }
            return sample;
        }
        // a small share: probe random positions; expected probes stay below 2 * wanted
        Set<Integer> taken = new HashSet<>();
        while (sample.size() < wanted) {
            int candidate = random.nextInt(entries.size());
            if ((self == null || candidate != self) && taken.add(candidate)) {
                sample.add(form.apply(entries.get(candidate)));
            }
        }
        return sample;
    }

    private void putLocked(ActiveMember member) {
        if (replaceLocked(member)) {
            return;
        }
        Indexed entry = new Indexed(member.entry()); // before any change: a host it refuses leaves the index as it was
        positions.put(member.key(), entries.size());
        entries.add(entry);
        perHost.merge(member.host(), 1, Integer::sum);
        perNetgroup.merge(Netgroup.of(member.host()), 1, Integer::sum);
    }
}
