package net.tallynet.p2p;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Which inbound peer gives up its slot when all are taken and a newcomer arrives, after Bitcoin
 * Core's {@code SelectNodeToEvict}. Refusing every newcomer would let whoever fills the slots first
 * keep honest nodes out for ever; evicting at random would let a flood push the useful peers out.
 * So peers that are hard for an attacker to imitate are protected, and the victim comes from what
 * is left:
 * <ol>
 *   <li>one peer from each of {@value #PROTECT_NETGROUPS} netgroups picked by a keyed hash (an attacker
 *       cannot choose addresses that win);</li>
 *   <li>the {@value #PROTECT_FASTEST} peers with the lowest round trip measured by the keep-alive
 *       pings (an attacker far away cannot fake being near);</li>
 *   <li>the {@value #PROTECT_BLOCK_SENDERS} peers that most recently gave us a new block, and the
 *       {@value #PROTECT_TX_SENDERS} that most recently gave us a new transaction;</li>
 *   <li>the longest-connected half of the rest;</li>
 *   <li>of what remains, the netgroup with the most connections loses its youngest one.</li>
 * </ol>
 * Not yet established connections have no protection but their age.
 */
public final class InboundEviction {
    static final int PROTECT_NETGROUPS = 4;
    static final int PROTECT_FASTEST = 8;
    static final int PROTECT_BLOCK_SENDERS = 4;
    static final int PROTECT_TX_SENDERS = 4;

    private InboundEviction() {
    }

    /**
     * One inbound connection as eviction sees it. Times are {@link System#nanoTime()} readings;
     * 0 means never. {@code minPingNanos} is the lowest round trip measured, {@link Long#MAX_VALUE} if none yet.
     */
    public record Candidate<T>(T peer, String netgroup, long connectedAt, long lastNovelBlockAt,
                               long lastNovelTransactionAt, long minPingNanos) {
    }

    /** The peer to evict, or empty when every one is protected (then the newcomer is refused). */
    public static <T> Optional<T> choose(List<Candidate<T>> candidates, long key) {
        List<Candidate<T>> left = new ArrayList<>(candidates);
        protectNetgroups(left, key);
        protectBest(left, Candidate::minPingNanos, Long.MAX_VALUE, false, PROTECT_FASTEST);
        protectBest(left, Candidate::lastNovelBlockAt, 0, true, PROTECT_BLOCK_SENDERS);
        protectBest(left, Candidate::lastNovelTransactionAt, 0, true, PROTECT_TX_SENDERS);
        left.sort(Comparator.comparingLong(Candidate::connectedAt));
        left.subList(0, left.size() / 2).clear(); // the longest-connected half stays
        if (left.isEmpty()) {
            return Optional.empty();
        }
        Map<String, List<Candidate<T>>> byNetgroup = new HashMap<>();
        for (Candidate<T> candidate : left) {
            byNetgroup.computeIfAbsent(candidate.netgroup(), g -> new ArrayList<>()).add(candidate);
        }
        Comparator<List<Candidate<T>>> crowded = Comparator.comparingInt(List::size);
        List<Candidate<T>> largest = byNetgroup.values().stream()
                .max(crowded.thenComparingLong(group -> youngest(group).connectedAt())).orElseThrow();
        return Optional.of(youngest(largest).peer());
    }

    /**
     * The group an address shares with its neighbours, as an attacker's addresses would: the first
     * 16 bits of IPv4 (127.a for the loopback addresses of tests), the first 32 of IPv6; a name is its own group.
     */
    public static String netgroup(String host) {
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            return host;
        }
        try {
            byte[] address = InetAddress.getByName(literal).getAddress(); // a literal: never a lookup
            int bytes = address.length == 4 ? 2 : 4;
            StringBuilder group = new StringBuilder(address.length == 4 ? "v4:" : "v6:");
            for (int i = 0; i < bytes; i++) {
                group.append(address[i] & 0xff).append(i + 1 < bytes ? "." : "");
            }
            return group.toString();
        } catch (UnknownHostException e) {
            return host;
        }
    }

    private static <T> void protectNetgroups(List<Candidate<T>> left, long key) {
        Set<String> groups = new LinkedHashSet<>();
        left.stream().map(Candidate::netgroup).sorted(Comparator.comparingLong(g -> keyed(g, key)))
                .forEach(groups::add);
        int protectedCount = 0;
        for (String group : groups) {
            if (protectedCount++ == PROTECT_NETGROUPS) {
                break;
            }
            left.stream().filter(c -> c.netgroup().equals(group)).min(Comparator.comparingLong(Candidate::connectedAt))
                    .ifPresent(left::remove);
        }
    }

    /**
     * Takes the {@code count} candidates with the best {@code measure} out of {@code left} (the highest if
     * {@code highest}, else the lowest); those whose measure is {@code unmeasured} have none and stay.
     */
    private static <T> void protectBest(List<Candidate<T>> left, ToLongFunction<Candidate<T>> measure,
                                        long unmeasured, boolean highest, int count) {
        Comparator<Candidate<T>> best = Comparator.comparingLong(measure);
        left.stream().filter(c -> measure.applyAsLong(c) != unmeasured)
                .sorted(highest ? best.reversed() : best).limit(count).toList()
                .forEach(left::remove);
    }

    private static <T> Candidate<T> youngest(List<Candidate<T>> group) {
        return group.stream().max(Comparator.comparingLong(Candidate::connectedAt)).orElseThrow();
    }

    private static long keyed(String netgroup, long key) {
        long h = key ^ 0x9e3779b97f4a7c15L;
        for (int i = 0; i < netgroup.length(); i++) {
            h = (h ^ netgroup.charAt(i)) * 0x100000001b3L;
        }
        return h ^ (h >>> 29);
    }
}
