package net.tallynet.p2p;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * Addresses refused for a while after misbehaving. Bounded: an attacker cycling through addresses
 * can only push out the oldest bans, never grow memory.
 */
public final class BanList {
    private final Map<String, Instant> bannedUntil;
    private final Clock clock;
    private final P2pProperties properties;

    public BanList(P2pProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
        this.bannedUntil = BoundedMaps.evictingEldest(properties.maxBannedAddresses(), false);
    }

    public synchronized void ban(String host) {
        bannedUntil.remove(host);
        bannedUntil.put(host, clock.instant().plus(properties.banDuration()));
    }

    public synchronized boolean isBanned(String host) {
        Instant until = bannedUntil.get(host);
        if (until == null) {
            return false;
        }
        if (until.isAfter(clock.instant())) {
            return true;
        }
        bannedUntil.remove(host);
        return false;
    }

    public synchronized int size() {
        return bannedUntil.size();
    }
}
