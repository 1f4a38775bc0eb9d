package net.tallynet.node.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import net.tallynet.node.TestBlocks;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Genesis;
import org.junit.jupiter.api.Test;

/** The fetch scheduler alone, with peers as plain strings and time as numbers. */
class BlockDownloadTest {
    private static final long SECOND = 1_000_000_000L;
    // window 2 per peer, download window 4, timeout 10 s, 2 stalls
    private final BlockDownload<String> download = new BlockDownload<>(
            new SyncProperties(2, 4, Duration.ofSeconds(10), 2, 1000, 10_000,
                    Duration.ofSeconds(5), 1000, 10_000, 20_000, Duration.ofSeconds(10)));

    @Test
    void spreadsRequestsOverPeersWithinTheirWindows() {
        for (String hash : List.of("h1", "h2", "h3", "h4", "h5")) {
            download.want(hash, "a");
            download.want(hash, "b");
        }
        List<BlockDownload.Request<String>> requests = download.next(0);
        // the download window (4) caps what goes out, and each peer gets at most 2
        assertThat(requests).extracting(BlockDownload.Request::hash).containsExactly("h1", "h2", "h3", "h4");
        assertThat(requests).filteredOn(r -> r.peer().equals("a")).hasSize(2);
        assertThat(requests).filteredOn(r -> r.peer().equals("b")).hasSize(2);
        assertThat(download.inFlight()).isEqualTo(4);
        assertThat(download.next(0)).isEmpty();
    }

    @Test
    void aLaterAnswerProvesEarlierRequestsSkippedAndMovesThem() {
        download.want("h1", "a");
        download.want("h2", "a");
        download.want("h1", "b");
        List<BlockDownload.Request<String>> first = download.next(0);
        assertThat(first).containsExactly(new BlockDownload.Request<>("a", "h1"), new BlockDownload.Request<>("a", "h2"));

        BlockDownload.Delivery delivery = download.delivered("h2", "a", 3 * SECOND);
        assertThat(delivery.skipped()).isEqualTo(1);
        assertThat(delivery.nanos()).isEqualTo(3 * SECOND);
        // h1 now goes to b, the other peer that listed it
        assertThat(download.next(3 * SECOND)).containsExactly(new BlockDownload.Request<>("b", "h1"));
    }

    @Test
    void aStalledPeersRequestsGoElsewhereAndRepeatedStallsDropIt() {
        download.want("h1", "a");
        download.want("h1", "b");
        download.want("h2", "a");
        assertThat(download.next(0)).extracting(BlockDownload.Request::peer).containsOnly("a");

        assertThat(download.expire(9 * SECOND).moved()).isZero();
        BlockDownload.Expiry<String> expiry = download.expire(11 * SECOND);
        assertThat(expiry.moved()).isEqualTo(2);
        assertThat(expiry.stalledOut()).isEmpty();
        // h2 had no other source and is forgotten until a list brings it back; h1 goes to b
        assertThat(download.isWanted("h2")).isFalse();
        assertThat(download.next(11 * SECOND)).containsExactly(new BlockDownload.Request<>("b", "h1"));

        // b answers nothing either: its first stall moves h1 (nobody else has it) ...
        BlockDownload.Expiry<String> second = download.expire(22 * SECOND);
        assertThat(second.moved()).isEqualTo(1);
        assertThat(second.stalledOut()).isEmpty();
        assertThat(download.isWanted("h1")).isFalse();
        // ... an answer in between would reset the count; none comes, so its second stall in a row drops it
        download.want("h3", "b");
        download.next(22 * SECOND);
        assertThat(download.expire(40 * SECOND).stalledOut()).containsExactly("b");
    }

    @Test
    void anEarlyChildWaitsForItsParentAndIsDroppedIfTheParentStopsComing() {
        byte[] miner = Ed25519Keys.newSecretKey();
        Block parent = TestBlocks.block(Genesis.of("devnet"), miner, List.of());
        Block child = TestBlocks.block(parent, miner, List.of());
        download.want(parent.hash(), "a");
        download.want(child.hash(), "b");
        download.next(0);
        download.delivered(child.hash(), "b", SECOND);
        assertThat(download.holdOrphan(child)).isTrue();
        assertThat(download.orphans()).isEqualTo(1);
        assertThat(download.takeChildren(parent.hash())).extracting(BlockDownload.Held::block).containsExactly(child);
        assertThat(download.orphans()).isZero();

        download.want(child.hash(), "b");
        download.next(SECOND);
        download.delivered(child.hash(), "b", 2 * SECOND);
        assertThat(download.holdOrphan(child)).isTrue();
        download.peerGone("a"); // the only source of the parent: the waiting child is dropped too
        assertThat(download.isWanted(parent.hash())).isFalse();
        assertThat(download.isWanted(child.hash())).isFalse();
        assertThat(download.orphans()).isZero();
    }

    @Test
    void theQueueIsBounded() {
        BlockDownload<String> small = new BlockDownload<>(
                new SyncProperties(1, 1, Duration.ofSeconds(10), 1, 2, 10_000,
                    Duration.ofSeconds(5), 1000, 10_000, 20_000, Duration.ofSeconds(10)));
        assertThat(small.want("h1", "a")).isTrue();
        assertThat(small.want("h2", "a")).isTrue();
        assertThat(small.want("h3", "a")).isFalse();
        assertThat(small.want("h1", "b")).isTrue(); // another source for a queued block is always taken
    }
}
