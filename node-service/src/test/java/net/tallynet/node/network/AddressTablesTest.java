package net.tallynet.node.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The new and tried tables (security review item 13): what one source can occupy, how often its
 * addresses are picked, how many copies one address gets, and test-before-evict in tried.
 */
class AddressTablesTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final long HOUR = 3_600_000L;

    private final AddressTables tables = new AddressTables(new byte[32], new SplittableRandom(7));

    @Test
    void aFloodFromOneSourceNetgroupStaysInItsShareOfBucketsAndIsPickedAsOftenAsThoseBuckets() {
        Set<String> flood = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            KnownAddress address = address("127.66." + (i / 250) + "." + (i % 250), 8333);
            tables.add(address, AddressTables.netgroup("127.66.0.1"), NOW);
            flood.add(address.address());
        }
        // honest addresses: 300 members, each heard from a source in its own netgroup
        for (int i = 0; i < 300; i++) {
            String host = "127." + (i % 200) + "." + (i / 200 + 1) + ".1";
            tables.add(address(host, 8333), AddressTables.netgroup("127." + (i % 200) + ".9.9"), NOW);
        }
        int floodKept = (int) tables.all().stream().filter(a -> flood.contains(a.address())).count();
        assertThat(tables.newBucketsHolding(flood)).isLessThanOrEqualTo(AddressTables.NEW_BUCKETS_PER_SOURCE_GROUP);
        assertThat(floodKept).isLessThanOrEqualTo(AddressTables.NEW_BUCKETS_PER_SOURCE_GROUP * AddressTables.BUCKET_SIZE);
        assertThat(tables.size() - floodKept).as("honest addresses kept").isGreaterThan(250);

        int picks = 20_000;
        int floodPicks = 0;
        for (int i = 0; i < picks; i++) {
            if (flood.contains(tables.select(true, NOW).address())) {
                floodPicks++;
            }
        }
        // the flood holds 16 buckets of the ~150 occupied: about 11% of the picks, not the 97% of addresses it sent
        assertThat((double) floodPicks / picks).isLessThan(0.15);
    }

    @Test
    void oneAddressHeardFromManySourcesHasAFewCopiesAtMost() {
        KnownAddress address = address("127.5.0.1", 8333);
        for (int i = 0; i < 200; i++) {
            tables.add(address("127.5.0.1", 8333), AddressTables.netgroup("127." + i + ".0.1"), NOW);
        }
        assertThat(tables.size()).isEqualTo(1);
        assertThat(tables.get(address.address()).references()).isBetween(2, AddressTables.MAX_REFERENCES);
    }

    @Test
    void aHandshakeMovesAnAddressToTriedAndARestartPutsItBack() {
        KnownAddress address = address("127.5.0.1", 8333);
        tables.add(address, "v4:127.9", NOW);
        tables.good(address.address(), NOW);
        assertThat(tables.get(address.address()).tried()).isTrue();
        assertThat(tables.triedSize()).isEqualTo(1);
        assertThat(tables.newSize()).isZero();

        AddressTables restarted = new AddressTables(new byte[32], new SplittableRandom(8));
        assertThat(restarted.restore(tables.get(address.address()), NOW)).isTrue();
        assertThat(restarted.get(address.address()).tried()).isTrue();
    }

    @Test
    void aTriedAddressThatStillAnswersKeepsItsSlotAndOneThatFailsItsTestGivesItUp() {
        KnownAddress occupant = address("127.7.0.1", 8333);
        tables.add(occupant, "v4:127.9", NOW);
        tables.good(occupant.address(), NOW - 10 * HOUR);
        KnownAddress newcomer = collidingWith(occupant);
        tables.good(newcomer.address(), NOW);
        assertThat(tables.get(newcomer.address()).tried()).as("waits for the occupant's test").isFalse();
        assertThat(tables.feelerTarget(NOW).address()).isEqualTo(occupant.address());

        // the feeler reaches the occupant: it stays, the newcomer stays in new
        tables.attempt(occupant.address(), NOW + 1);
        tables.good(occupant.address(), NOW + 2);
        tables.resolveCollisions(NOW + 3);
        assertThat(tables.get(occupant.address()).tried()).isTrue();
        assertThat(tables.get(newcomer.address()).tried()).isFalse();

        // much later the newcomer is reached again and the occupant's test fails: they change places
        long later = NOW + 5 * HOUR;
        tables.good(newcomer.address(), later);
        tables.attempt(occupant.address(), later + 1);
        tables.failed(occupant.address(), later + 2);
        tables.resolveCollisions(later + 3);
        assertThat(tables.get(newcomer.address()).tried()).isTrue();
        assertThat(tables.get(occupant.address()).tried()).isFalse();
        assertThat(tables.get(occupant.address()).references()).isEqualTo(1);
    }

    @Test
    void selectionPrefersAddressesNotTriedRecentlyAndReturnsNothingFromAnEmptyBook() {
        assertThat(tables.select(false, NOW)).isNull();
        KnownAddress fresh = address("127.8.0.1", 8333);
        KnownAddress failing = address("127.9.0.1", 8333);
        tables.add(fresh, "v4:127.1", NOW);
        tables.add(failing, "v4:127.2", NOW);
        for (int i = 0; i < 5; i++) {
            tables.attempt(failing.address(), NOW);
        }
        int freshPicks = 0;
        for (int i = 0; i < 1000; i++) {
            if (tables.select(false, NOW + 1000).address().equals(fresh.address())) {
                freshPicks++;
            }
        }
        assertThat(freshPicks).isGreaterThan(900);
        assertThat(AddressTables.isTerrible(tables.get(failing.address()), NOW + 2 * HOUR)).isTrue();
        assertThat(tables.sample(10, NOW + 2 * HOUR)).extracting(KnownAddress::address).containsExactly(fresh.address());
    }

    @Test
    void aSettledCollisionNeverLosesTheNewcomerWhenTheOccupantGoesBackToItsBucket() {
        // occupant and newcomers from one source in one netgroup share one new bucket, as addresses from one
        // tracker do; demoting the occupant into that bucket must not push the newcomer out of the book
        String source = "v4:127.9";
        for (int i = 0; i < 400; i++) {
            AddressTables tables = new AddressTables(new byte[] {(byte) i, 1, 2, 3}, new SplittableRandom(i));
            KnownAddress occupant = new KnownAddress("127.7.0.1", 8333, NOW, source);
            tables.add(occupant, source, NOW);
            tables.good(occupant.address(), NOW - 10 * HOUR);
            KnownAddress newcomer = null;
            for (int j = 0; j < 100_000 && newcomer == null; j++) {
                KnownAddress candidate = new KnownAddress("127.7." + (j / 250) + "." + (j % 250 + 2), 8333, NOW, source);
                if (tables.triedSlotOf(candidate).equals(tables.triedSlotOf(occupant))
                        && tables.add(candidate, source, NOW)) {
                    newcomer = candidate;
                }
            }
            assertThat(newcomer).isNotNull();
            tables.good(newcomer.address(), NOW);
            tables.resolveCollisions(NOW + 41 * 60_000L); // unsettled for 40 minutes: the newcomer takes the slot
            assertThat(tables.get(newcomer.address())).as("key %d", i).isNotNull();
            assertThat(tables.get(newcomer.address()).tried()).isTrue();
            assertThat(tables.newSize() + tables.triedSize()).isEqualTo(tables.size());
            assertThat(tables.drainChanges().deleted()).doesNotContain(newcomer);
        }
    }

    @Test
    void anAddressPushedOutAndLearnedAgainInOneBatchIsOneRowUpdated() {
        // a terrible entry (not seen for 60 days) loses its slot to a newcomer, then is heard of again
        KnownAddress stale = new KnownAddress("127.7.0.1", 8333, NOW - 60 * 24 * HOUR, "v4:127.9");
        tables.add(stale, "v4:127.9", NOW);
        stale.markStored(); // as if written before
        tables.drainChanges();
        KnownAddress rival = null;
        for (int j = 0; rival == null; j++) {
            KnownAddress candidate = new KnownAddress("127.7.1." + (j % 250 + 1), 9000 + j, NOW, "v4:127.9");
            if (tables.add(candidate, "v4:127.9", NOW) && tables.get(stale.address()) == null) {
                rival = candidate;
            }
            if (j > 100_000) {
                throw new AssertionError("no address took the stale one's slot");
            }
        }
        KnownAddress again = new KnownAddress("127.7.0.1", 8333, NOW, "v4:127.10");
        tables.add(again, "v4:127.10", NOW);
        AddressTables.Changes changes = tables.drainChanges();
        assertThat(tables.get(again.address())).as("placed under its new source").isSameAs(again);
        assertThat(changes.deleted()).extracting(KnownAddress::address).doesNotContain(again.address());
        assertThat(again.isNew()).as("merged into the existing row, not inserted beside it").isFalse();
    }

    /** A new address in the occupant's netgroup whose tried slot is the occupant's (found by trying). */
    private KnownAddress collidingWith(KnownAddress occupant) {
        for (int i = 0; i < 100_000; i++) {
            KnownAddress candidate = address("127.7." + (i / 250) + "." + (i % 250 + 1), 9000 + i % 1000);
            if (!candidate.address().equals(occupant.address())
                    && tables.triedSlotOf(candidate).equals(tables.triedSlotOf(occupant))) {
                tables.add(candidate, "v4:127.9", NOW);
                if (tables.get(candidate.address()) != null) {
                    return tables.get(candidate.address());
                }
            }
        }
        throw new AssertionError("no colliding address found");
    }

    private static KnownAddress address(String host, int port) {
        return new KnownAddress(host, port, NOW, null);
    }
}
