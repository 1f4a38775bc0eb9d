package net.tallynet.node.network;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import net.tallynet.p2p.NetworkProperties;
import net.tallynet.p2p.SecretFile;
import net.tallynet.protocol.message.AddressEntry;
import org.springframework.stereotype.Component;

/**
 * Addresses of other members, learned from trackers and peers, kept in the new and tried tables of
 * {@link AddressTables} and persisted in H2, so a restarted node can rejoin when every tracker is down
 * (PROTOCOL.md 7.6). Reads come from memory; every change is written through. Also keeps the node's
 * anchors: the outbound peers it redials first after a restart.
 */
@Component
public class AddressBook {
    static final String KEY_FILE = "address-key";
    private final KnownAddressRepository repository;
    private final PeerAnchorRepository anchors;
    private final Clock clock = Clock.systemUTC();
    private final AddressTables tables;

    AddressBook(KnownAddressRepository repository, PeerAnchorRepository anchors, NetworkProperties network,
                MeterRegistry meters) {
        this.repository = repository;
        this.anchors = anchors;
        SecureRandom random = new SecureRandom();
        this.tables = new AddressTables(bucketKey(network.dataDir().resolve(KEY_FILE), random),
                new SplittableRandom(random.nextLong()));
        restore();
        Gauge.builder("tallynet.addresses", this, book -> book.tableSize(false)).tag("table", "new")
                .description("Known addresses by table: new (heard of) and tried (a handshake completed)").register(meters);
        Gauge.builder("tallynet.addresses", this, book -> book.tableSize(true)).tag("table", "tried")
                .description("Known addresses by table: new (heard of) and tried (a handshake completed)").register(meters);
    }

    /**
     * The key of the tables' hashes, kept owner-only in the data directory like the wallet key: secret, so
     * no peer can work out where its addresses land, and kept, so a restart places every row where it was.
     * A missing or unreadable file gets a new key (the rows are placed again under it; nothing else is lost).
     */
    private static byte[] bucketKey(Path file, SecureRandom random) {
        try {
            if (Files.exists(file)) {
                String hex = Files.readString(file, StandardCharsets.US_ASCII).strip();
                if (hex.length() == 64) {
                    return HexFormat.of().parseHex(hex);
                }
            }
            byte[] key = new byte[32];
            random.nextBytes(key);
            SecretFile.write(file, HexFormat.of().formatHex(key));
            return key;
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read or write the address book's key " + file + ": " + e.getMessage(), e);
        }
    }

    /** Places the stored rows again, under the same key; rows no slot takes (rare) are deleted. */
    private synchronized void restore() {
        long now = clock.millis();
        List<KnownAddress> moved = new ArrayList<>();
        List<KnownAddress> dropped = new ArrayList<>();
        List<KnownAddress> rows = new ArrayList<>(repository.findAll());
        // tried rows first: they were reached, so they get first claim on the slots
        rows.sort((a, b) -> Boolean.compare(b.tried(), a.tried()));
        for (KnownAddress row : rows) {
            boolean wasTried = row.tried();
            if (!tables.restore(row, now)) {
                dropped.add(row);
            } else if (wasTried != row.tried()) {
                moved.add(row);
            }
        }
        dropped.addAll(tables.drainChanges().deleted());
        repository.saveAll(moved);
        repository.deleteAll(dropped);
    }

    /** Records or refreshes addresses heard from {@code sourceHost}; returns the ones that were new. */
    public synchronized List<AddressEntry> learn(String sourceHost, List<AddressEntry> entries) {
        long now = clock.millis();
        String sourceGroup = AddressTables.netgroup(sourceHost);
        List<AddressEntry> fresh = new ArrayList<>();
        for (AddressEntry entry : entries) {
            // a time in the future (clock skew, or a peer pushing its entries to the front) counts as now
            long seen = Math.min(entry.lastSeen(), now);
            if (tables.add(new KnownAddress(entry.host(), entry.port(), seen, sourceGroup), sourceGroup, now)) {
                fresh.add(entry);
            }
        }
        write();
        return fresh;
    }

    /** Up to {@code limit} known addresses at random, none of them terrible, for GETADDR answers. */
    public synchronized List<AddressEntry> sample(int limit) {
        return tables.sample(limit, clock.millis()).stream().map(KnownAddress::entry).toList();
    }

    /** An address to dial ({@code host:port}), or null when the book has none worth a try now. */
    synchronized String select() {
        KnownAddress pick = tables.select(false, clock.millis());
        return pick == null ? null : pick.address();
    }

    /** Settles pending tried-table collisions, then names the address a feeler should test (or null). */
    synchronized String feelerTarget() {
        long now = clock.millis();
        tables.resolveCollisions(now);
        write();
        KnownAddress target = tables.feelerTarget(now);
        return target == null ? null : target.address();
    }

    /** A dial to {@code host:port} begins. */
    synchronized void attempt(String address) {
        tables.attempt(address, clock.millis());
        write();
    }

    /** Dialling {@code host:port}, or its handshake, failed. */
    synchronized void failed(String address) {
        tables.failed(address, clock.millis());
    }

    /** A handshake with {@code host:port}, which we dialled, completed. */
    synchronized void good(String address) {
        tables.good(address, clock.millis());
        write();
    }

    /** The anchors recorded last, longest-held first. */
    synchronized List<String> anchors() {
        return anchors.findAllByOrderByPositionAsc().stream().map(PeerAnchor::address).toList();
    }

    /** Records the outbound peers to redial first after a restart; written only when they changed. */
    synchronized void recordAnchors(List<String> addresses) {
        if (addresses.equals(anchors())) {
            return;
        }
        anchors.deleteAllInBatch();
        List<PeerAnchor> rows = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            rows.add(new PeerAnchor(addresses.get(i), i));
        }
        anchors.saveAll(rows);
    }

    public synchronized boolean contains(String address) {
        return tables.get(address) != null;
    }

    public synchronized boolean isTried(String address) {
        KnownAddress known = tables.get(address);
        return known != null && known.tried();
    }

    /** Every known address ({@code host:port}), in no order. */
    public synchronized List<String> addresses() {
        return tables.all().stream().map(KnownAddress::address).toList();
    }

    public synchronized int size() {
        return tables.size();
    }

    private synchronized int tableSize(boolean tried) {
        return tried ? tables.triedSize() : tables.newSize();
    }

    private void write() {
        AddressTables.Changes changes = tables.drainChanges();
        repository.saveAll(changes.saved());
        repository.deleteAll(changes.deleted());
    }
}
