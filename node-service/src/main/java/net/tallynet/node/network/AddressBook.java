package net.tallynet.node.network;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import net.tallynet.p2p.BoundedMaps;
import net.tallynet.protocol.message.AddressEntry;
import org.springframework.stereotype.Component;

/**
 * Addresses of other members, learned from trackers and peers. In memory and bounded for now
 * (peers choose what lands here); persisting it in H2 comes with address gossip.
 */
@Component
public class AddressBook {
    static final int MAX_ADDRESSES = 10_000;

    private final Map<String, AddressEntry> byAddress = BoundedMaps.evictingEldest(MAX_ADDRESSES, true);

    /** Records or refreshes addresses; returns how many were new. */
    public synchronized int learn(List<AddressEntry> entries) {
        int fresh = 0;
        for (AddressEntry entry : entries) {
            String key = entry.host() + " " + entry.port();
            AddressEntry known = byAddress.get(key);
            if (known == null) {
                fresh++;
            }
            if (known == null || known.lastSeen() < entry.lastSeen()) {
                byAddress.put(key, entry);
            }
        }
        return fresh;
    }

    /** Up to {@code limit} known addresses in random order. */
    public synchronized List<AddressEntry> sample(int limit) {
        List<AddressEntry> all = new ArrayList<>(byAddress.values());
        Collections.shuffle(all);
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }

    public synchronized int size() {
        return byAddress.size();
    }
}
