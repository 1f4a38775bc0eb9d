package net.tallynet.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.tallynet.protocol.InvalidMessageException;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.RejectReason;
import net.tallynet.protocol.codec.FrameCodec;
import org.junit.jupiter.api.Test;

/** GETBLOCK {@code hashes} (extension block-batches/1, PROTOCOL.md 4.6, 12.2): a fourth selector of 1 to 128 hashes. */
class GetBlockBatchTest {
    private static final String A = "6eb2fe699047f3b971881bfae9783bb7e60d74459632b1c983c41da6d2d6c0ef";
    private static final String B = "834e4318b4bc80dfba45937af6050b86c617083a425f68295f2f11acfefaea3f";

    @Test
    void aBatchKeepsItsHashesInOrderAndEncodesAsTheFourthSelector() {
        GetBlockMessage batch = GetBlockMessage.byHashes(List.of(B, A));
        assertThat(batch.hashes()).containsExactly(B, A);
        assertThat(batch.hash()).isNull();
        assertThat(batch.wantsCompact()).isFalse();
        assertThat(new FrameCodec().encode(batch)).isEqualTo("{\"GETBLOCK\":{\"hashes\":[\"" + B + "\",\"" + A + "\"]}}");
    }

    @Test
    void aBatchHoldsOneTo128Hashes() {
        assertThat(GetBlockMessage.byHashes(Collections.nCopies(Limits.MAX_BATCH_BLOCKS, A)).hashes())
                .hasSize(Limits.MAX_BATCH_BLOCKS);
        assertRejected(() -> GetBlockMessage.byHashes(Collections.nCopies(Limits.MAX_BATCH_BLOCKS + 1, A)),
                RejectReason.LIST_TOO_LONG);
        assertRejected(() -> GetBlockMessage.byHashes(List.of()), RejectReason.LIST_TOO_LONG);
    }

    @Test
    void everyHashIsChecked() {
        assertRejected(() -> GetBlockMessage.byHashes(List.of(A, B.toUpperCase())), RejectReason.OUT_OF_RANGE);
        assertRejected(() -> GetBlockMessage.byHashes(List.of(A, "ab")), RejectReason.OUT_OF_RANGE);
        List<String> withNull = new ArrayList<>(List.of(A));
        withNull.add(null);
        assertRejected(() -> GetBlockMessage.byHashes(withNull), RejectReason.WRONG_TYPE);
    }

    @Test
    void hashesIsOneOfTheSelectorsAndTakesNoCompactFlag() {
        assertRejected(() -> new GetBlockMessage(A, null, null, List.of(B), null), RejectReason.CONFLICTING_FIELDS);
        assertRejected(() -> new GetBlockMessage(null, 1L, null, List.of(B), null), RejectReason.CONFLICTING_FIELDS);
        assertRejected(() -> new GetBlockMessage(null, null, List.of(A), List.of(B), null), RejectReason.CONFLICTING_FIELDS);
        assertRejected(() -> new GetBlockMessage(null, null, null, List.of(B), true), RejectReason.CONFLICTING_FIELDS);
        assertRejected(() -> new GetBlockMessage(null, null, null, null, null), RejectReason.MISSING_FIELD);
    }

    @Test
    void theListIsCopied() {
        List<String> hashes = new ArrayList<>(List.of(A));
        GetBlockMessage batch = GetBlockMessage.byHashes(hashes);
        hashes.add(B);
        assertThat(batch.hashes()).containsExactly(A);
    }

    private static void assertRejected(Runnable build, RejectReason reason) {
        assertThatThrownBy(build::run).isInstanceOfSatisfying(InvalidMessageException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
