package net.tallynet.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.tallynet.p2p.InboundEviction.Candidate;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class InboundEvictionTest {

    @RepeatedTest(5) // the netgroup ranking is keyed at random: the outcome must not depend on the key
    void aFloodFromOneNetgroupLosesItsYoungestConnection() {
        long key = System.nanoTime();
        List<Candidate<String>> peers = List.of(
                new Candidate<>("honest", InboundEviction.netgroup("127.9.0.1"), 1, 0, 0, Long.MAX_VALUE),
                new Candidate<>("flood-1", InboundEviction.netgroup("127.0.0.1"), 2, 0, 0, Long.MAX_VALUE),
                new Candidate<>("flood-2", InboundEviction.netgroup("127.0.0.2"), 3, 0, 0, Long.MAX_VALUE),
                new Candidate<>("flood-3", InboundEviction.netgroup("127.0.0.3"), 4, 0, 0, Long.MAX_VALUE));
        assertThat(InboundEviction.choose(peers, key)).contains("flood-3");
    }

    @Test
    void peersThatBroughtNewBlocksOrTransactionsAreKept() {
        List<Candidate<String>> peers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            long block = i < 4 ? 100 + i : 0;
            long tx = i >= 4 && i < 8 ? 100 + i : 0;
            // all in one netgroup, the useful ones the youngest: only their usefulness protects them
            peers.add(new Candidate<>("p" + i, "v4:127.0", 1_000 - i, block, tx, Long.MAX_VALUE));
        }
        String victim = InboundEviction.choose(peers, 42).orElseThrow();
        int index = Integer.parseInt(victim.substring(1));
        assertThat(index).as("neither a block nor a transaction sender").isGreaterThanOrEqualTo(8);
        // p15, the oldest, is kept for its netgroup; of p8..p14 the older half (p12..p14) is kept; the youngest goes
        assertThat(victim).isEqualTo("p8");
    }

    @Test
    void theFastestPeersAreKept() {
        List<Candidate<String>> peers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            // one netgroup, the fast ones the youngest: only their round trips protect them
            long ping = i < 8 ? 1_000_000L + i : i < 12 ? 50_000_000L : Long.MAX_VALUE;
            peers.add(new Candidate<>("p" + i, "v4:127.0", 1_000 - i, 0, 0, ping));
        }
        String victim = InboundEviction.choose(peers, 42).orElseThrow();
        int index = Integer.parseInt(victim.substring(1));
        assertThat(index).as("not one of the 8 fastest").isGreaterThanOrEqualTo(8);
        // p15, the oldest, is kept for its netgroup; of p8..p14 the older half (p12..p14) is kept; the youngest goes
        assertThat(victim).isEqualTo("p8");
    }

    @Test
    void whenEveryPeerIsProtectedTheNewcomerIsRefused() {
        List<Candidate<String>> peers = List.of(
                new Candidate<>("a", InboundEviction.netgroup("127.1.0.1"), 1, 0, 0, Long.MAX_VALUE),
                new Candidate<>("b", InboundEviction.netgroup("127.2.0.1"), 2, 0, 0, Long.MAX_VALUE));
        assertThat(InboundEviction.choose(peers, 7)).isEmpty();
        assertThat(InboundEviction.choose(List.<Candidate<String>>of(), 7)).isEmpty();
    }

    @Test
    void netgroupsAreTheFirstSixteenBitsOfIpv4AndThirtyTwoOfIpv6() {
        assertThat(InboundEviction.netgroup("127.3.4.5")).isEqualTo("v4:127.3");
        assertThat(InboundEviction.netgroup("127.3.200.1")).isEqualTo(InboundEviction.netgroup("127.3.4.5"));
        assertThat(InboundEviction.netgroup("2001:db8:1:2::1")).isEqualTo("v6:32.1.13.184");
        assertThat(InboundEviction.netgroup("[2001:db8:ffff::1]")).isEqualTo("v6:32.1.13.184");
        assertThat(InboundEviction.netgroup("tracker.local")).isEqualTo("tracker.local");
    }
}
