package net.tallynet.node.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import net.tallynet.protocol.message.GetBlockMessage;
import org.junit.jupiter.api.Test;

/**
 * One pump's GETBLOCK frames, with the real {@link BlockDownload} and peers as strings: a peer taking
 * batches gets its requests in frames of its batch size, in the order picked, and spends one request token
 * per frame; any other peer gets one hash per frame and one token per block, as before batches.
 */
class GetBlockFramesTest {
    /** "batch" takes 128 hashes a frame, "small" 3, "plain" has no block-batches/1. */
    private static final Map<String, Integer> BATCH_SIZES = Map.of("batch", 128, "small", 3, "plain", 1);

    private final Map<String, Integer> tokens = new HashMap<>();

    private BlockDownload<String> download(int fetchWindow, int blocks, String... sources) {
        SyncProperties d = SyncProperties.defaults();
        BlockDownload<String> download = new BlockDownload<>(new SyncProperties(fetchWindow, 1000,
                Duration.ofSeconds(10), 3, 20_000, d.maxOrphanTransactions(), d.progressInterval(), 5000,
                d.maxHeldBytes(), d.maxHeldBytesPerPeer(), d.transactionSignaturesPerSecond(),
                d.transactionSignatureBurst(), d.recentRejects(), d.transactionRequestTimeout(), d.maxPresyncLists(),
                d.requestsPerSecond(), true));
        for (int i = 0; i < blocks; i++) {
            for (String source : sources) {
                download.want(hash(i), source);
            }
        }
        return download;
    }

    /** Block {@code i}'s hash: its number in hex, so hashes sort in the order they were listed. */
    private static String hash(int i) {
        return "%064x".formatted(i);
    }

    private static List<String> hashes(int from, int to) {
        return IntStream.range(from, to).mapToObj(GetBlockFramesTest::hash).toList();
    }

    private List<GetBlockFrames.Frame<String>> pump(BlockDownload<String> download) {
        GetBlockFrames<String> frames = new GetBlockFrames<>(BATCH_SIZES::get, peer -> {
            int left = tokens.getOrDefault(peer, 0);
            if (left == 0) {
                return false;
            }
            tokens.put(peer, left - 1);
            return true;
        });
        return frames.of(download.next(0, frames::mayRequest));
    }

    @Test
    void aBatchingPeerGetsItsRequestsInOrderInFramesOf128ForOneTokenEach() {
        tokens.put("batch", 2);
        List<GetBlockFrames.Frame<String>> frames = pump(download(300, 300, "batch"));

        assertThat(frames).hasSize(2).allSatisfy(frame -> assertThat(frame.peer()).isEqualTo("batch"));
        assertThat(frames.get(0).message().hashes()).isEqualTo(hashes(0, 128));
        assertThat(frames.get(1).message().hashes()).isEqualTo(hashes(128, 256));
        // two tokens bought two frames of 128: the third frame waits for the next token
        assertThat(tokens.get("batch")).isZero();
    }

    /** A token that comes back during a pump (the bucket refills as it goes) buys nothing past the first refusal. */
    @Test
    void aPeerRefusedATokenGetsNoLaterBlockInTheSamePump() {
        int[] calls = {0};
        GetBlockFrames<String> frames = new GetBlockFrames<>(BATCH_SIZES::get, peer -> calls[0]++ != 1);
        BlockDownload<String> download = download(32, 20, "plain");

        List<GetBlockFrames.Frame<String>> sent = frames.of(download.next(0, frames::mayRequest));

        // the first block bought a token, the second found none: nothing after it, though the third found one
        assertThat(sent).extracting(frame -> frame.message().hash()).containsExactly(hash(0));
        assertThat(calls[0]).isEqualTo(2);
        List<GetBlockFrames.Frame<String>> next = pump(download);
        tokens.put("plain", 1);
        assertThat(pump(download)).extracting(frame -> frame.message().hash()).containsExactly(hash(1));
        assertThat(next).isEmpty();
    }

    @Test
    void theFetchWindowStillCountsBlocksNotFrames() {
        tokens.put("batch", 10);
        List<GetBlockFrames.Frame<String>> frames = pump(download(32, 100, "batch"));

        assertThat(frames).singleElement().satisfies(frame -> assertThat(frame.message().hashes()).hasSize(32));
        assertThat(tokens.get("batch")).isEqualTo(9);
    }

    @Test
    void aPeerWithASmallerBatchSizeGetsSeveralFramesAndALastShortOne() {
        tokens.put("small", 10);
        List<GetBlockFrames.Frame<String>> frames = pump(download(32, 7, "small"));

        assertThat(frames).extracting(frame -> frame.message().hashes())
                .containsExactly(List.of(hash(0), hash(1), hash(2)), List.of(hash(3), hash(4), hash(5)), List.of(hash(6)));
        assertThat(tokens.get("small")).isEqualTo(7);
    }

    @Test
    void aPeerWithoutBatchesGetsOneHashPerFrameAndSpendsATokenPerBlock() {
        tokens.put("plain", 5);
        List<GetBlockFrames.Frame<String>> frames = pump(download(32, 20, "plain"));

        assertThat(frames).hasSize(5).allSatisfy(frame -> {
            assertThat(frame.message().hashes()).isNull();
            assertThat(frame.message().hash()).isNotNull();
        });
        assertThat(frames).extracting(frame -> frame.message().hash()).containsExactly(hash(0), hash(1), hash(2), hash(3), hash(4));
        assertThat(tokens.get("plain")).isZero();
    }

    @Test
    void eachPeerKeepsItsOwnFramesWhenRequestsAreSpreadOverBoth() {
        tokens.put("batch", 1);
        tokens.put("plain", 2);
        List<GetBlockFrames.Frame<String>> frames = pump(download(4, 8, "batch", "plain"));

        List<String> toBatch = new ArrayList<>();
        List<String> toPlain = new ArrayList<>();
        for (GetBlockFrames.Frame<String> frame : frames) {
            GetBlockMessage message = frame.message();
            if (frame.peer().equals("batch")) {
                toBatch.addAll(message.hashes());
            } else {
                toPlain.add(message.hash());
            }
        }
        // each block to the least busy source: one frame (one token) carries all of the batching peer's
        assertThat(frames).filteredOn(frame -> frame.peer().equals("batch")).hasSize(1);
        assertThat(toBatch).containsExactly(hash(0), hash(2), hash(4));
        assertThat(toPlain).containsExactly(hash(1), hash(3));
    }
}
