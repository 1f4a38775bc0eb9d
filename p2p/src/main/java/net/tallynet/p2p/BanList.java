package net.tallynet.p2p;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Misbehaviour scores and bans, per host. Scores are kept across connections (reconnecting does not
 * wipe a peer's record) and forgotten after {@code tallynet.peers.misbehaviour-memory} without a new
 * charge; a host whose score reaches the threshold is banned for {@code tallynet.peers.ban-duration}.
 * Bans are written to a {@link BanStore}, so a restart does not lift them. Both maps are bounded: an
 * attacker cycling through addresses can only push out the oldest entries, never grow memory.
 */
public final class BanList {
    /** One ban: {@code reason} is the rejection that ended it. */
    public record Ban(String host, String reason, Instant until) {
    }

    private record Score(int points, Instant lastCharged) {
    }

    private final Map<String, Ban> bans;
    private final Map<String, Score> scores;
    private final Clock clock;
    private final P2pProperties properties;
    private final BanStore store;

    public BanList(P2pProperties properties, Clock clock) {
        this(properties, clock, BanStore.NONE);
    }

    public BanList(P2pProperties properties, Clock clock, BanStore store) {
        this.properties = properties;
        this.clock = clock;
        this.store = store;
        this.bans = BoundedMaps.evictingEldest(properties.maxBannedAddresses(), false);
        this.scores = BoundedMaps.evictingEldest(properties.maxBannedAddresses(), false);
        Instant now = clock.instant();
        store.load().stream().filter(ban -> ban.until().isAfter(now)).sorted(Comparator.comparing(Ban::until))
                .forEach(ban -> bans.put(ban.host(), ban));
    }

    /** Adds {@code points} to the host's score; returns the score now. */
    public synchronized int charge(String host, int points) {
        Instant now = clock.instant();
        Score score = scores.remove(host);
        int total = points + (score == null || forgotten(score, now) ? 0 : score.points());
        scores.put(host, new Score(total, now));
        return total;
    }

    public synchronized void ban(String host, String reason) {
        scores.remove(host);
        bans.remove(host);
        bans.put(host, new Ban(host, reason, clock.instant().plus(properties.banDuration())));
        store.save(List.copyOf(bans.values()));
    }

    public synchronized boolean isBanned(String host) {
        Ban ban = bans.get(host);
        if (ban == null) {
            return false;
        }
        if (ban.until().isAfter(clock.instant())) {
            return true;
        }
        bans.remove(host);
        return false;
    }

    /** The bans in force, soonest to end first. */
    public synchronized List<Ban> list() {
        Instant now = clock.instant();
        bans.values().removeIf(ban -> !ban.until().isAfter(now));
        List<Ban> active = new ArrayList<>(bans.values());
        active.sort(Comparator.comparing(Ban::until));
        return active;
    }

    /** Lifts the ban on {@code host} and forgets its score; false if it was not banned. */
    public synchronized boolean lift(String host) {
        scores.remove(host);
        boolean lifted = bans.remove(host) != null;
        if (lifted) {
            store.save(List.copyOf(bans.values()));
        }
        return lifted;
    }

    public synchronized int size() {
        return bans.size();
    }

    private boolean forgotten(Score score, Instant now) {
        return Duration.between(score.lastCharged(), now).compareTo(properties.misbehaviourMemory()) >= 0;
    }
}
