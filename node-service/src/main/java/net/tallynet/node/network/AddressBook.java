package net.tallynet.node.network;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.tallynet.protocol.message.AddressEntry;
import org.springframework.stereotype.Component;

/**
 * Addresses of other members, learned from trackers and peers, persisted in H2 so a restarted node
 * can rejoin when every tracker is down (PROTOCOL.md 7.6). Peers choose what lands here, so it is
 * bounded: when full, the address that failed most (then the one seen longest ago) makes room.
 * Reads come from memory; every change is written through.
 */
@Component
public class AddressBook {
    static final int MAX_ADDRESSES = 10_000;
    private static final Comparator<KnownAddress> WORST_FIRST = Comparator.comparingInt(KnownAddress::failures)
            .reversed().thenComparingLong(KnownAddress::lastSeen);

    private final KnownAddressRepository repository;
    private final Clock clock;
    private final Map<String, KnownAddress> byAddress = new LinkedHashMap<>();

    AddressBook(KnownAddressRepository repository) {
        this.repository = repository;
        this.clock = Clock.systemUTC();
        for (KnownAddress known : repository.findAll()) {
            byAddress.put(known.address(), known);
        }
    }

    /** Records or refreshes addresses; returns the ones that were new. */
    public synchronized List<AddressEntry> learn(List<AddressEntry> entries) {
        long now = clock.millis();
        List<AddressEntry> fresh = new ArrayList<>();
        List<KnownAddress> changed = new ArrayList<>();
        for (AddressEntry entry : entries) {
            // a time in the future (clock skew, or a peer pushing its entries to the front) counts as now
            long seen = Math.min(entry.lastSeen(), now);
            String key = KnownAddress.key(entry.host(), entry.port());
            KnownAddress known = byAddress.get(key);
            if (known == null) {
                makeRoom();
                known = new KnownAddress(entry.host(), entry.port(), seen);
                byAddress.put(key, known);
                fresh.add(known.entry());
                changed.add(known);
            } else if (known.lastSeen() < seen) {
                known.seen(seen);
                changed.add(known);
            }
        }
        repository.saveAll(changed);
        return fresh;
    }

    /** Up to {@code limit} known addresses in random order, for GETADDR answers. */
    public synchronized List<AddressEntry> sample(int limit) {
        List<KnownAddress> all = new ArrayList<>(byAddress.values());
        Collections.shuffle(all);
        return all.subList(0, Math.min(limit, all.size())).stream().map(KnownAddress::entry).toList();
    }

    /** Addresses to dial, best first: ones that worked before, then fewest failures; ties in random order. */
    public synchronized List<String> dialCandidates(int limit) {
        List<KnownAddress> all = new ArrayList<>(byAddress.values());
        Collections.shuffle(all);
        all.sort(Comparator.comparing((KnownAddress a) -> a.lastSuccess() == 0)
                .thenComparingInt(KnownAddress::failures));
        return all.subList(0, Math.min(limit, all.size())).stream().map(KnownAddress::address).toList();
    }

    /** A handshake with {@code host:port} completed. */
    public synchronized void succeeded(String address) {
        KnownAddress known = byAddress.get(address);
        if (known != null) {
            known.succeeded(clock.millis());
            repository.save(known);
        }
    }

    /** Dialling {@code host:port} failed; returns its failures in a row (0 for an address not in the book). */
    public synchronized int failed(String address) {
        KnownAddress known = byAddress.get(address);
        if (known == null) {
            return 0;
        }
        known.failed();
        repository.save(known);
        return known.failures();
    }

    public synchronized int size() {
        return byAddress.size();
    }

    private void makeRoom() {
        if (byAddress.size() < MAX_ADDRESSES) {
            return;
        }
        KnownAddress worst = Collections.min(byAddress.values(), WORST_FIRST);
        byAddress.remove(worst.address());
        repository.delete(worst);
    }
}
