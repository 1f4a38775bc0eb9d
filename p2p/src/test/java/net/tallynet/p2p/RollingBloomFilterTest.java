package net.tallynet.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class RollingBloomFilterTest {

    @Test
    void remembersAtLeastTheNewestHalfOfItsCapacity() {
        RollingBloomFilter known = new RollingBloomFilter(10_000, 1e-6);
        String[] hashes = new String[30_000];
        int notNews = 0;
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = randomHash();
            notNews += known.add(hashes[i]) ? 0 : 1;
        }
        // news the first time, but for false positives: about 2.5e-6 each (measured), so 0.075 expected in
        // 30,000; asserting none failed about one run in 13
        assertThat(notNews).as("new hashes taken for known ones").isLessThan(3);
        for (int i = hashes.length - 5_000; i < hashes.length; i++) {
            assertThat(known.contains(hashes[i])).isTrue();
            assertThat(known.add(hashes[i])).as("not news again").isFalse();
        }
        // the oldest have faded out (a few may remain as false positives)
        int stillKnown = 0;
        for (int i = 0; i < 10_000; i++) {
            stillKnown += known.contains(hashes[i]) ? 1 : 0;
        }
        assertThat(stillKnown).isLessThan(5);
    }

    @Test
    void rarelyClaimsAHashItNeverSaw() {
        RollingBloomFilter known = new RollingBloomFilter(10_000, 1e-6);
        for (int i = 0; i < 10_000; i++) {
            known.add(randomHash());
        }
        int falsePositives = 0;
        for (int i = 0; i < 200_000; i++) {
            falsePositives += known.contains(randomHash()) ? 1 : 0;
        }
        assertThat(falsePositives).isLessThanOrEqualTo(3); // 0.2 expected at 1e-6
    }

    @Test
    void tenThousandBlockHashesTakeTensOfKilobytesNotMegabytes() {
        // a LinkedHashMap of 10,000 hex hashes, as before, held about 1.7 MB per peer and kind
        assertThat(filled(10_000).bytes()).isBetween(16L * 1024, 48L * 1024);
        assertThat(filled(20_000).bytes()).isBetween(32L * 1024, 96L * 1024);
    }

    @Test
    void theFirstFewHashesAreKeptExactlyWithoutTheBitArrays() {
        RollingBloomFilter known = new RollingBloomFilter(10_000, 1e-6);
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < RollingBloomFilter.EXACT; i++) {
            hashes.add(randomHash());
            assertThat(known.add(hashes.getLast())).isTrue();
            assertThat(known.add(hashes.getLast())).isFalse();
        }
        assertThat(known.bytes()).isZero();
        assertThat(hashes).allMatch(known::contains);
        for (int i = 0; i < 1_000; i++) {
            assertThat(known.contains(randomHash())).isFalse();
        }

        String next = randomHash();
        assertThat(known.add(next)).isTrue(); // one more: the bit arrays, holding the earlier ones too
        assertThat(known.bytes()).isPositive();
        assertThat(hashes).allMatch(known::contains);
        assertThat(known.contains(next)).isTrue();
        assertThat(known.add(hashes.getFirst())).isFalse();
    }

    private static RollingBloomFilter filled(int capacity) {
        RollingBloomFilter known = new RollingBloomFilter(capacity, 1e-6);
        for (int i = 0; i <= RollingBloomFilter.EXACT; i++) {
            known.add(randomHash());
        }
        return known;
    }

    @Test
    void twoFiltersWithTheSameHashesErrOnDifferentOnes() {
        // keyed per filter: a hash that is a false positive in one node's filter is not in the next one's,
        // so a peer cannot craft hashes that every node wrongly takes as known
        RollingBloomFilter a = new RollingBloomFilter(100, 0.01);
        RollingBloomFilter b = new RollingBloomFilter(100, 0.01);
        for (int i = 0; i < 50; i++) {
            String hash = randomHash();
            a.add(hash);
            b.add(hash);
        }
        int onlyA = 0;
        int onlyB = 0;
        for (int i = 0; i < 20_000; i++) {
            String probe = randomHash();
            onlyA += a.contains(probe) && !b.contains(probe) ? 1 : 0;
            onlyB += b.contains(probe) && !a.contains(probe) ? 1 : 0;
        }
        assertThat(onlyA).isPositive();
        assertThat(onlyB).isPositive();
    }

    private static String randomHash() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
