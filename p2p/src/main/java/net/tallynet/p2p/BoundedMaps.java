package net.tallynet.p2p;

import java.util.LinkedHashMap;
import java.util.Map;

/** Maps keyed by something a peer chooses (its address) must not grow without bound. */
public final class BoundedMaps {
    private BoundedMaps() {
    }

    /**
     * A map that forgets its eldest entry once it holds more than {@code max}: eldest by insertion,
     * or by last access when {@code accessOrder}. Not thread-safe; guard it.
     */
    public static <K, V> Map<K, V> evictingEldest(int max, boolean accessOrder) {
        return new LinkedHashMap<>(16, 0.75f, accessOrder) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }
}
