package net.tallynet.node.network;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.tallynet.p2p.InboundEviction;

/**
 * The new and tried tables of the address book, after Bitcoin Core's addrman (Heilman et al. 2015,
 * "Eclipse attacks on Bitcoin's peer-to-peer network"). Peers choose what they tell us, so where an
 * address may sit is not theirs to choose:
 * <ul>
 *   <li>An address heard of but never connected to goes to the <b>new</b> table. Its bucket comes from a
 *       keyed hash of its netgroup and of the netgroup of whoever told us, and one source netgroup reaches
 *       only {@value #NEW_BUCKETS_PER_SOURCE_GROUP} of the {@value #NEW_BUCKETS} buckets: a flood from one
 *       place fills at most a sixteenth of the table, however many addresses it sends. An address heard
 *       from several sources may sit in up to {@value #MAX_REFERENCES} buckets, each copy less likely.</li>
 *   <li>An address we completed a handshake with moves to <b>tried</b>, whose bucket comes from the address
 *       and its netgroup: one netgroup reaches {@value #TRIED_BUCKETS_PER_GROUP} of {@value #TRIED_BUCKETS}.
 *       When its slot is taken, the one there is not pushed out blindly: it is tested first (a feeler
 *       connection) and keeps its place if it answers (test-before-evict).</li>
 *   <li>Selection picks a table, then a bucket uniformly among the occupied ones, so addresses crowded into
 *       a few buckets are picked no more often than their buckets are.</li>
 * </ul>
 * The key is secret (an attacker cannot work out where its addresses land) and kept across restarts by
 * {@link AddressBook}. Not thread-safe: {@link AddressBook} holds its lock around every call. Entries changed or removed
 * since the last {@link #drainChanges} are collected for the book to write.
 */
final class AddressTables {
    static final int NEW_BUCKETS = 256;
    static final int TRIED_BUCKETS = 64;
    static final int BUCKET_SIZE = 64;
    static final int NEW_BUCKETS_PER_SOURCE_GROUP = 16;
    static final int TRIED_BUCKETS_PER_GROUP = 4;
    static final int MAX_REFERENCES = 4;
    /** Tried-table collisions waiting for their test; more are dropped (the newcomer stays in new). */
    static final int MAX_COLLISIONS = 10;
    private static final long MINUTE = 60_000L;
    private static final long DAY = 24 * 60 * MINUTE;

    private final Mac keyedHash;
    private final RandomGenerator random;
    private final Map<String, KnownAddress> byAddress = new HashMap<>();
    private final Table newTable = new Table(NEW_BUCKETS);
    private final Table triedTable = new Table(TRIED_BUCKETS);
    /** Address waiting to enter tried -> when its slot was found taken. */
    private final Map<String, Long> collisions = new LinkedHashMap<>();
    private final Set<KnownAddress> changed = new LinkedHashSet<>();
    private final Set<KnownAddress> removed = new LinkedHashSet<>();

    AddressTables(byte[] key, RandomGenerator random) {
        try {
            this.keyedHash = Mac.getInstance("HmacSHA256");
            keyedHash.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
        this.random = random;
    }

    /**
     * Places an address heard from {@code sourceGroup}; returns true if it was not known before. Known ones
     * get a fresher last-seen time and maybe another copy; one that finds its slot taken by a better entry
     * is dropped (the table does not grow past its slots).
     */
    boolean add(KnownAddress candidate, String sourceGroup, long now) {
        KnownAddress known = byAddress.get(candidate.address());
        KnownAddress entry = known != null ? known : candidate;
        if (known != null) {
            if (candidate.lastSeen() > known.lastSeen()) {
                known.seen(candidate.lastSeen());
                changed.add(known);
            }
            // every further source makes another copy half as likely: many sources cannot pin one address everywhere
            if (known.tried() || known.references() >= MAX_REFERENCES || random.nextInt(1 << known.references()) != 0) {
                return false;
            }
        }
        int bucket = newBucket(entry.netgroup(), sourceGroup);
        int slot = slot(false, bucket, entry.address());
        KnownAddress occupant = newTable.at(bucket, slot);
        if (occupant == entry) {
            return false;
        }
        if (occupant != null) {
            boolean replace = isTerrible(occupant, now) || (occupant.references() > 1 && entry.references() == 0);
            if (!replace) {
                return false;
            }
            clearNew(occupant, bucket, slot);
        }
        newTable.put(bucket, slot, entry);
        entry.referenced(1);
        if (known == null) {
            byAddress.put(entry.address(), entry);
            changed.add(entry);
        }
        return known == null;
    }

    /**
     * Puts an entry read back from the database where it belongs: tried if it was (or into new if its
     * tried slot is taken), else new under the source it came from. False if no slot took it.
     */
    boolean restore(KnownAddress entry, long now) {
        if (entry.tried()) {
            int bucket = triedBucket(entry);
            int slot = slot(true, bucket, entry.address());
            if (triedTable.at(bucket, slot) == null) {
                byAddress.put(entry.address(), entry);
                triedTable.put(bucket, slot, entry);
                return true;
            }
            entry.tried(false);
        }
        return add(entry, entry.sourceGroup(), now) && byAddress.containsKey(entry.address());
    }

    /** A dial to the address begins (it counts as a failure until a handshake says otherwise). */
    void attempt(String address, long now) {
        KnownAddress entry = byAddress.get(address);
        if (entry != null) {
            entry.attempted(now);
            changed.add(entry);
        }
    }

    /** The dial or its handshake failed. */
    void failed(String address, long now) {
        KnownAddress entry = byAddress.get(address);
        if (entry != null) {
            entry.failedAt(now);
        }
    }

    /** A handshake with the address completed: it moves to tried, or waits for its slot's occupant to be tested. */
    void good(String address, long now) {
        KnownAddress entry = byAddress.get(address);
        if (entry == null) {
            return;
        }
        entry.succeeded(now);
        changed.add(entry);
        if (entry.tried()) {
            return;
        }
        int bucket = triedBucket(entry);
        int slot = slot(true, bucket, address);
        if (triedTable.at(bucket, slot) == null) {
            moveToTried(entry, bucket, slot);
        } else if (collisions.size() < MAX_COLLISIONS) {
            collisions.putIfAbsent(address, now);
        }
    }

    /**
     * Settles tried-table collisions: an occupant that answered within 4 hours keeps its slot; one tested
     * since the collision that failed, or not settled within 40 minutes, gives it to the newcomer.
     */
    void resolveCollisions(long now) {
        // over a copy: demoting an occupant may push an entry out of new, which drops its own collision
        for (Map.Entry<String, Long> collision : List.copyOf(collisions.entrySet())) {
            KnownAddress entry = byAddress.get(collision.getKey());
            if (entry == null || entry.tried()) {
                collisions.remove(collision.getKey());
                continue;
            }
            int bucket = triedBucket(entry);
            int slot = slot(true, bucket, entry.address());
            KnownAddress occupant = triedTable.at(bucket, slot);
            long since = collision.getValue();
            if (occupant != null && now - occupant.lastSuccess() < 240 * MINUTE) {
                collisions.remove(collision.getKey());
            } else if (occupant == null || occupant.lastFailure() > since || now - since > 40 * MINUTE) {
                collisions.remove(collision.getKey());
                // as in Core: the newcomer leaves new first, so the demoted occupant cannot push it out of the book
                removeFromNew(entry);
                if (occupant != null) {
                    demote(occupant, bucket, slot);
                }
                placeInTried(entry, bucket, slot);
            }
        }
    }

    /** Whom a feeler should dial: the occupant of a pending collision not yet tested, else a new address. */
    KnownAddress feelerTarget(long now) {
        for (Map.Entry<String, Long> collision : collisions.entrySet()) {
            KnownAddress entry = byAddress.get(collision.getKey());
            if (entry != null && !entry.tried()) {
                int bucket = triedBucket(entry);
                KnownAddress occupant = triedTable.at(bucket, slot(true, bucket, entry.address()));
                if (occupant != null && occupant.lastTry() <= collision.getValue()) {
                    return occupant;
                }
            }
        }
        return select(true, now);
    }

    /**
     * An address to dial, or null if there is none: tried or new with even odds (new only if
     * {@code newOnly}), a bucket uniformly among the occupied ones, then an entry by its chance (recent
     * tries and failures lower it); each refusal raises the odds of the next pick, as in Core.
     */
    KnownAddress select(boolean newOnly, long now) {
        boolean fromTried = !newOnly && triedTable.size() > 0 && (newTable.size() == 0 || random.nextBoolean());
        Table table = fromTried ? triedTable : newTable;
        int[] occupied = table.occupiedBuckets();
        if (occupied.length == 0) {
            return null;
        }
        double factor = 1.0;
        for (int i = 0; i < 1000; i++) {
            KnownAddress pick = table.anyIn(occupied[random.nextInt(occupied.length)], random);
            if (random.nextDouble() < factor * chance(pick, now)) {
                return pick;
            }
            factor *= 1.2;
        }
        return null;
    }

    /** Up to {@code limit} entries at random, leaving out the terrible ones (GETADDR answers). */
    List<KnownAddress> sample(int limit, long now) {
        List<KnownAddress> all = new ArrayList<>(byAddress.values());
        List<KnownAddress> sample = new ArrayList<>(Math.min(limit, all.size()));
        for (int i = all.size() - 1; i >= 0 && sample.size() < limit; i--) {
            int pick = random.nextInt(i + 1);
            KnownAddress entry = all.set(pick, all.get(i));
            if (!isTerrible(entry, now)) {
                sample.add(entry);
            }
        }
        return sample;
    }

    KnownAddress get(String address) {
        return byAddress.get(address);
    }

    Collection<KnownAddress> all() {
        return byAddress.values();
    }

    /** Entries in the new table (each counted once, however many copies it has). */
    int newSize() {
        return byAddress.size() - triedTable.size();
    }

    int triedSize() {
        return triedTable.size();
    }

    int size() {
        return byAddress.size();
    }

    /** Buckets of the new table holding at least one of {@code addresses} (tests: how far a flood spread). */
    int newBucketsHolding(Set<String> addresses) {
        return newTable.bucketsHolding(addresses);
    }

    /** Where {@code entry} would sit in tried: bucket and slot (tests: finding a collision). */
    List<Integer> triedSlotOf(KnownAddress entry) {
        int bucket = triedBucket(entry);
        return List.of(bucket, slot(true, bucket, entry.address()));
    }

    /** Entries written since the last call (to save), and entries gone (to delete); both are cleared. */
    Changes drainChanges() {
        changed.removeAll(removed);
        Map<String, KnownAddress> gone = new LinkedHashMap<>();
        for (KnownAddress entry : removed) {
            gone.put(entry.address(), entry);
        }
        for (KnownAddress entry : changed) {
            // pushed out and learned again since the last write: its row stays and is updated, not deleted
            // and inserted again (an insert would meet the old row's key)
            KnownAddress old = gone.remove(entry.address());
            if (old != null && !old.isNew()) {
                entry.markStored();
            }
        }
        Changes changes = new Changes(List.copyOf(changed), List.copyOf(gone.values()));
        changed.clear();
        removed.clear();
        return changes;
    }

    record Changes(List<KnownAddress> saved, List<KnownAddress> deleted) {
    }

    /**
     * An entry not worth keeping or handing out (Core's {@code IsTerrible}): not tried in the last minute,
     * and seen in the future, not seen for 30 days, never reached in 3 tries, or not reached for a week in 10.
     */
    static boolean isTerrible(KnownAddress entry, long now) {
        if (now - entry.lastTry() < MINUTE) {
            return false;
        }
        return entry.lastSeen() > now + 10 * MINUTE || entry.lastSeen() < now - 30 * DAY
                || (entry.lastSuccess() == 0 && entry.failures() >= 3)
                || (entry.lastSuccess() < now - 7 * DAY && entry.failures() >= 10);
    }

    /** Odds of taking an entry when picked: far lower if tried in the last 10 minutes, lower with each failure. */
    static double chance(KnownAddress entry, long now) {
        double chance = now - entry.lastTry() < 10 * MINUTE ? 0.01 : 1.0;
        return chance * Math.pow(0.66, Math.min(entry.failures(), 8));
    }

    private void moveToTried(KnownAddress entry, int bucket, int slot) {
        removeFromNew(entry);
        placeInTried(entry, bucket, slot);
    }

    private void removeFromNew(KnownAddress entry) {
        for (int b = 0; b < NEW_BUCKETS && entry.references() > 0; b++) {
            int s = slot(false, b, entry.address());
            if (newTable.at(b, s) == entry) {
                newTable.remove(b, s);
                entry.referenced(-1);
            }
        }
    }

    private void placeInTried(KnownAddress entry, int bucket, int slot) {
        triedTable.put(bucket, slot, entry);
        entry.tried(true);
        changed.add(entry);
    }

    /** A tried entry loses its slot to a newcomer: back to new, where it displaces whatever sits in its place. */
    private void demote(KnownAddress entry, int bucket, int slot) {
        triedTable.remove(bucket, slot);
        entry.tried(false);
        changed.add(entry);
        int newBucket = newBucket(entry.netgroup(), entry.sourceGroup());
        int newSlot = slot(false, newBucket, entry.address());
        KnownAddress occupant = newTable.at(newBucket, newSlot);
        if (occupant != null) {
            clearNew(occupant, newBucket, newSlot);
        }
        newTable.put(newBucket, newSlot, entry);
        entry.referenced(1);
    }

    private void clearNew(KnownAddress entry, int bucket, int slot) {
        newTable.remove(bucket, slot);
        entry.referenced(-1);
        if (entry.references() == 0 && !entry.tried()) {
            byAddress.remove(entry.address());
            collisions.remove(entry.address());
            removed.add(entry);
        }
    }

    private int newBucket(String group, String sourceGroup) {
        long first = Math.floorMod(hash("new-source", group, sourceGroup), NEW_BUCKETS_PER_SOURCE_GROUP);
        return (int) Math.floorMod(hash("new-bucket", sourceGroup, Long.toString(first)), NEW_BUCKETS);
    }

    private int triedBucket(KnownAddress entry) {
        long first = Math.floorMod(hash("tried-address", entry.address()), TRIED_BUCKETS_PER_GROUP);
        return (int) Math.floorMod(hash("tried-bucket", entry.netgroup(), Long.toString(first)), TRIED_BUCKETS);
    }

    private int slot(boolean tried, int bucket, String address) {
        return (int) Math.floorMod(hash(tried ? "tried-slot" : "new-slot", Integer.toString(bucket), address), BUCKET_SIZE);
    }

    private long hash(String... parts) {
        for (String part : parts) {
            keyedHash.update(part.getBytes(StandardCharsets.UTF_8));
            keyedHash.update((byte) 0);
        }
        byte[] digest = keyedHash.doFinal();
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (digest[i] & 0xff);
        }
        return value;
    }

    static String netgroup(String host) {
        return InboundEviction.netgroup(host);
    }

    /** Buckets of slots, with a count per bucket so that selection can skip empty ones. */
    private static final class Table {
        private final KnownAddress[][] slots;
        private final int[] counts;
        private int size;

        Table(int buckets) {
            slots = new KnownAddress[buckets][BUCKET_SIZE];
            counts = new int[buckets];
        }

        KnownAddress at(int bucket, int slot) {
            return slots[bucket][slot];
        }

        void put(int bucket, int slot, KnownAddress entry) {
            slots[bucket][slot] = entry;
            counts[bucket]++;
            size++;
        }

        void remove(int bucket, int slot) {
            slots[bucket][slot] = null;
            counts[bucket]--;
            size--;
        }

        /** Occupied slots (an entry with several copies in new counts once per copy). */
        int size() {
            return size;
        }

        int[] occupiedBuckets() {
            int n = 0;
            int[] occupied = new int[counts.length];
            for (int b = 0; b < counts.length; b++) {
                if (counts[b] > 0) {
                    occupied[n++] = b;
                }
            }
            return Arrays.copyOf(occupied, n);
        }

        KnownAddress anyIn(int bucket, RandomGenerator random) {
            int start = random.nextInt(BUCKET_SIZE);
            for (int i = 0; i < BUCKET_SIZE; i++) {
                KnownAddress entry = slots[bucket][(start + i) % BUCKET_SIZE];
                if (entry != null) {
                    return entry;
                }
            }
            throw new IllegalStateException("bucket " + bucket + " counted as occupied is empty");
        }

        int bucketsHolding(Set<String> addresses) {
            int buckets = 0;
            for (KnownAddress[] bucket : slots) {
                for (KnownAddress entry : bucket) {
                    if (entry != null && addresses.contains(entry.address())) {
                        buckets++;
                        break;
                    }
                }
            }
            return buckets;
        }
    }
}
