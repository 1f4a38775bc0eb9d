package net.tallynet.node.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import net.tallynet.node.TestBlocks;
import net.tallynet.p2p.memory.PeerMemory;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Genesis;
import org.junit.jupiter.api.Test;

/** The fetch scheduler alone, with peers as plain strings and time as numbers. */
class BlockDownloadTest {
    private static final long SECOND = 1_000_000_000L;
    // window 2 per peer, download window 4, timeout 10 s, 2 stalls
    private final BlockDownload<String> download = new BlockDownload<>(
            props(2, 4, 2, 1000, 1000, 1 << 20, 1 << 20));

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
    void aPeerIsAskedForMoreOnlyOnceHalfItsWindowHasComeAndThenUpToItAgain() {
        BlockDownload<String> sync = new BlockDownload<>(props(32, 512, 2, 1000, 1000, 1 << 20, 1 << 20));
        for (int i = 0; i < 100; i++) {
            sync.want("h" + i, "a");
        }
        assertThat(sync.next(0)).hasSize(32);
        // 15 delivered, 17 still in flight: more than half the window, so nothing goes out (not one block a delivery)
        for (int i = 0; i < 15; i++) {
            sync.delivered("h" + i, "a", SECOND);
            sync.done("h" + i);
            assertThat(sync.next(SECOND)).isEmpty();
        }
        // the 16th leaves half: the window fills up again at once, in chain order (one frame to a batching peer)
        sync.delivered("h15", "a", SECOND);
        sync.done("h15");
        assertThat(sync.next(SECOND)).extracting(BlockDownload.Request::hash)
                .containsExactlyElementsOf(IntStream.range(32, 48).mapToObj(i -> "h" + i).toList());
        assertThat(sync.inFlight()).isEqualTo(32);
        assertThat(sync.next(SECOND)).isEmpty();

        // a fill cut short (the request pacing allowed 5) goes on at the next pump, though more than half is in flight
        for (int i = 16; i < 32; i++) {
            sync.delivered("h" + i, "a", 2 * SECOND);
            sync.done("h" + i);
        }
        int[] allowed = {5};
        assertThat(sync.next(2 * SECOND, peer -> allowed[0]-- > 0)).hasSize(5);
        assertThat(sync.next(2 * SECOND)).extracting(BlockDownload.Request::hash)
                .containsExactlyElementsOf(IntStream.range(53, 64).mapToObj(i -> "h" + i).toList());
        assertThat(sync.inFlight()).isEqualTo(32);

        // a block listed by a peer with nothing in flight is asked of it at once, whatever the other is doing
        sync.want("h40", "b");
        sync.want("other", "b");
        assertThat(sync.next(SECOND)).containsExactly(new BlockDownload.Request<>("b", "other"));
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
        assertThat(download.holdOrphan(child, "b", 1000)).isTrue();
        assertThat(download.orphans()).isEqualTo(1);
        assertThat(download.takeChildren(parent.hash())).extracting(BlockDownload.Held::block).containsExactly(child);
        assertThat(download.orphans()).isZero();

        download.want(child.hash(), "b");
        download.next(SECOND);
        download.delivered(child.hash(), "b", 2 * SECOND);
        assertThat(download.holdOrphan(child, "b", 1000)).isTrue();
        download.peerGone("a"); // the only source of the parent: the waiting child is dropped too
        assertThat(download.isWanted(parent.hash())).isFalse();
        assertThat(download.isWanted(child.hash())).isFalse();
        assertThat(download.orphans()).isZero();
    }

    @Test
    void theQueueIsBounded() {
        BlockDownload<String> small = new BlockDownload<>(
                props(1, 1, 1, 2, 2, 1 << 20, 1 << 20));
        assertThat(small.want("h1", "a")).isTrue();
        assertThat(small.want("h2", "a")).isTrue();
        assertThat(small.want("h3", "a")).isFalse();
        assertThat(small.want("h1", "b")).isTrue(); // another source for a queued block is always taken
    }

    // review item 1: nothing unrequested is held, held blocks have a byte budget and are let go of when done
    @Test
    void onlyABlockAskedOfItsDelivererIsHeld() {
        List<Block> chain = chain(2);
        download.want(chain.get(0).hash(), "a");
        download.want(chain.get(1).hash(), "b");
        assertThat(download.holdOrphan(chain.get(1), "b", 1000)).as("never requested").isFalse();
        download.next(0);
        download.delivered(chain.get(1).hash(), "c", SECOND);
        assertThat(download.holdOrphan(chain.get(1), "c", 1000)).as("asked of b, sent by c").isFalse();
        download.delivered(chain.get(1).hash(), "b", SECOND);
        assertThat(download.holdOrphan(chain.get(1), "b", 1000)).isTrue();
        assertThat(download.orphans()).isEqualTo(1);
    }

    @Test
    void heldBlocksFitAByteBudgetPerDelivererAndInTotal() {
        BlockDownload<String> budget = new BlockDownload<>(
                props(10, 10, 2, 1000, 1000, 2500, 1500));
        List<Block> chain = chain(5);
        List<String> senders = List.of("a", "b", "b", "c", "d"); // a has the parent of them all, never delivered
        for (int i = 0; i < 5; i++) {
            budget.want(chain.get(i).hash(), senders.get(i));
        }
        budget.next(0);
        for (int i = 1; i < 5; i++) {
            budget.delivered(chain.get(i).hash(), senders.get(i), SECOND);
        }
        assertThat(budget.holdOrphan(chain.get(1), "b", 1000)).isTrue();
        assertThat(budget.holdOrphan(chain.get(2), "b", 1000)).as("over b's 1500 bytes").isFalse();
        assertThat(budget.holdOrphan(chain.get(3), "c", 1000)).isTrue();
        assertThat(budget.holdOrphan(chain.get(4), "d", 600)).as("over 2500 in total").isFalse();
        assertThat(budget.orphanBytes()).isEqualTo(2000);
    }

    @Test
    void queuedHeadersAndHeldBlocksDrawOnTheirPeersSharesOfTheOneMemoryBudget() {
        PeerMemory memory = new PeerMemory(1 << 20, 3000);
        Map<String, PeerMemory.Share> shares = new HashMap<>();
        BlockDownload<String> accounted = new BlockDownload<>(props(10, 10, 2, 1000, 1000, 1 << 20, 1 << 20),
                new BlockDownload.Accounts<>() {
                    @Override
                    public boolean take(String peer, PeerMemory.Part part, long bytes) {
                        return shares.computeIfAbsent(peer, p -> memory.open()).take(part, bytes);
                    }

                    @Override
                    public void give(String peer, PeerMemory.Part part, long bytes) {
                        shares.get(peer).give(part, bytes);
                    }

                    @Override
                    public boolean fits(long bytes) {
                        return memory.fits(bytes);
                    }
                });
        List<Block> chain = chain(4);
        for (int i = 0; i < 3; i++) {
            assertThat(accounted.want(chain.get(i).hash(), "a")).isTrue();
        }
        assertThat(accounted.want(chain.get(3).hash(), "b")).isTrue();
        assertThat(memory.used(PeerMemory.Part.QUEUED_HEADERS)).isEqualTo(4 * BlockDownload.QUEUED_HEADER_BYTES);
        accounted.next(0);
        accounted.delivered(chain.get(3).hash(), "b", SECOND);
        assertThat(accounted.holdOrphan(chain.get(3), "b", 2000)).as("768 queued + 2000 held fit b's 3000").isTrue();
        // a answers in order: delivering block 1 shows it skipped block 0, which nobody else has: forgotten
        accounted.delivered(chain.get(1).hash(), "a", SECOND);
        assertThat(shares.get("a").held()).isEqualTo(2 * BlockDownload.QUEUED_HEADER_BYTES);
        assertThat(accounted.holdOrphan(chain.get(1), "a", 1500)).as("2 x 768 queued + 1500 pass a's 3000").isFalse();
        assertThat(accounted.holdOrphan(chain.get(1), "a", 1400)).isTrue();

        accounted.done(chain.get(3).hash());
        assertThat(shares.get("b").held()).as("done: b's header and held block went back").isZero();
        assertThat(memory.used(PeerMemory.Part.HELD_BLOCKS)).as("a's block still waits").isEqualTo(1400);
    }

    @Test
    void aBlockThatIsDoneIsNoLongerHeld() {
        List<Block> chain = chain(2);
        download.want(chain.get(0).hash(), "a");
        download.want(chain.get(1).hash(), "a");
        download.next(0);
        download.delivered(chain.get(1).hash(), "a", SECOND);
        assertThat(download.holdOrphan(chain.get(1), "a", 1000)).isTrue();
        download.done(chain.get(1).hash());
        assertThat(download.orphans()).isZero();
        assertThat(download.orphanBytes()).isZero();
        assertThat(download.takeChildren(chain.get(0).hash())).isEmpty();
    }

    @Test
    void heldBlocksDoNotFreezeTheDownloadWindow() {
        BlockDownload<String> wide = new BlockDownload<>(
                props(4, 4, 2, 1000, 1000, 1 << 20, 1 << 20));
        List<Block> chain = chain(6);
        chain.forEach(block -> wide.want(block.hash(), "a"));
        assertThat(wide.next(0)).hasSize(4);
        for (Block block : chain.subList(0, 4)) {
            wide.delivered(block.hash(), "a", SECOND);
            assertThat(wide.holdOrphan(block, "a", 10)).isTrue();
        }
        // four held blocks fill no window: the next two go out
        assertThat(wide.next(SECOND)).extracting(BlockDownload.Request::hash)
                .containsExactly(chain.get(4).hash(), chain.get(5).hash());
    }

    @Test
    void onePeersListsTakeAtMostItsShareOfTheQueue() {
        BlockDownload<String> shared = new BlockDownload<>(
                props(1, 1, 1, 1000, 2, 1 << 20, 1 << 20));
        assertThat(shared.want("h1", "liar")).isTrue();
        assertThat(shared.want("h2", "liar")).isTrue();
        assertThat(shared.want("h3", "liar")).isFalse();
        assertThat(shared.want("h3", "honest")).isTrue();
        shared.done("h1"); // a want that leaves frees its lister's share
        assertThat(shared.want("h4", "liar")).isTrue();
    }

    @Test
    void theDescendantsOfAnInvalidBlockAreDroppedAtEveryDepth() {
        List<Block> chain = chain(3);
        download.want(chain.get(0).hash(), "b");
        download.want(chain.get(1).hash(), "a");
        download.want(chain.get(2).hash(), "a");
        download.next(0);
        for (Block held : chain.subList(1, 3)) {
            download.delivered(held.hash(), "a", SECOND);
            assertThat(download.holdOrphan(held, "a", 10)).isTrue();
        }
        assertThat(download.dropDescendants(chain.get(0).hash())).extracting(h -> h.block().number())
                .containsExactly(2L, 3L);
        assertThat(download.orphans()).isZero();
        assertThat(download.isWanted(chain.get(2).hash())).isFalse();
    }

    private static List<Block> chain(int length) {
        byte[] miner = Ed25519Keys.newSecretKey();
        List<Block> blocks = new java.util.ArrayList<>();
        Block parent = Genesis.of("devnet");
        for (int i = 0; i < length; i++) {
            parent = TestBlocks.block(parent, miner, List.of());
            blocks.add(parent);
        }
        return blocks;
    }

    /** Download settings for a test; the fetch timeout is 10 s, the rest as configured by default. */
    private static SyncProperties props(int fetchWindow, int downloadWindow, int maxStalls, int maxQueued,
                                        int maxQueuedPerPeer, long maxHeldBytes, long maxHeldBytesPerPeer) {
        SyncProperties d = SyncProperties.defaults();
        return new SyncProperties(fetchWindow, downloadWindow, Duration.ofSeconds(10), maxStalls, maxQueued,
                d.maxOrphanTransactions(), d.progressInterval(), maxQueuedPerPeer, maxHeldBytes, maxHeldBytesPerPeer,
                d.transactionSignaturesPerSecond(), d.transactionSignatureBurst(), d.recentRejects(),
                d.transactionRequestTimeout(), d.maxPresyncLists(), d.requestsPerSecond(), d.blockBatches());
    }
}
