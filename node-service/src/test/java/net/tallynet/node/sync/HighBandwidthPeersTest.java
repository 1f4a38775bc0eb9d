package net.tallynet.node.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which peers are asked to push blocks (PROTOCOL.md 12.1): peers named "out…" are ones we dialled. */
class HighBandwidthPeersTest {

    private static HighBandwidthPeers<String> peers() {
        return new HighBandwidthPeers<>(3, peer -> peer.startsWith("out"));
    }

    @Test
    void theMostRecentBringersArePushersAndTheOldestIsToldToStop() {
        HighBandwidthPeers<String> peers = peers();
        assertThat(peers.brought("out1").added()).isEqualTo("out1");
        peers.brought("out2");
        peers.brought("out3");
        assertThat(peers.brought("out2")).isEqualTo(new HighBandwidthPeers.Change<String>(null, List.of()));
        HighBandwidthPeers.Change<String> change = peers.brought("out4");
        assertThat(change.added()).isEqualTo("out4");
        assertThat(change.dropped()).containsExactly("out1");
        assertThat(peers.inOrder()).containsExactly("out4", "out2", "out3");
    }

    @Test
    void inboundPeersCannotTakeTheLastPlaceOfAPeerWeDialled() {
        HighBandwidthPeers<String> peers = peers();
        peers.brought("out1");
        peers.brought("in1");
        peers.brought("in2");
        // out1 is oldest, but the only dialled one: the oldest inbound peer goes instead
        assertThat(peers.brought("in3").dropped()).containsExactly("in1");
        assertThat(peers.inOrder()).containsExactly("in3", "in2", "out1");
        // a dialled newcomer may replace it
        assertThat(peers.brought("out2").dropped()).containsExactly("out1");
    }

    @Test
    void noPeerIsAskedWhenTheSettingIsZero() {
        HighBandwidthPeers<String> none = new HighBandwidthPeers<>(0, peer -> true);
        assertThat(none.brought("out1")).isEqualTo(new HighBandwidthPeers.Change<String>(null, List.of()));
        assertThat(none.inOrder()).isEmpty();
    }
}
