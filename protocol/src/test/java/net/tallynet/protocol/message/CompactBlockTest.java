package net.tallynet.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.tallynet.protocol.GoldenVectors;
import net.tallynet.protocol.InvalidMessageException;
import net.tallynet.protocol.codec.DecodeResult;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Block;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Compact block relay's pieces (PROTOCOL.md 12.1) against the vectors an independent implementation
 * produced: the short ids, and COMPACTBLOCK built from block 1 of the BLOCK vectors.
 */
class CompactBlockTest {
    private static final FrameCodec CODEC = new FrameCodec();
    private static final long VECTOR_SALT = 1_234_567_890_123L;

    @Test
    void shortIdsMatchTheIndependentVectors() {
        JsonNode vectors = GoldenVectors.read("ledger", "short-ids.json");
        int checked = 0;
        for (JsonNode v : vectors.get("cases")) {
            ShortIds ids = new ShortIds(v.get("blockHash").asString(), v.get("salt").asLong());
            String expected = v.get("shortId").asString();
            assertThat(ids.hexOf(v.get("transactionId").asString())).isEqualTo(expected);
            assertThat(ShortIds.toHex(ShortIds.fromHex(expected))).isEqualTo(expected);
            checked++;
        }
        assertThat(checked).isEqualTo(9);
    }

    @Test
    void aBlockInCompactFormIsTheVectorAndRebuildsToTheBlock() {
        Block block = blockOne();
        CompactBlockMessage compact = CompactBlockMessage.of(block, VECTOR_SALT);
        assertThat(CODEC.encode(compact)).isEqualTo(vector("COMPACTBLOCK", 0));
        assertThat(compact.transactionCount()).isEqualTo(block.transactions().size());
        assertThat(compact.prefilled()).extracting(PrefilledTransaction::index).containsExactly(0);
        assertThat(compact.toBlock(block.transactions())).isEqualTo(block);
    }

    @Test
    void positionsAndCountsAreCheckedWhenDecoded() {
        Block block = blockOne();
        CompactBlockMessage compact = CompactBlockMessage.of(block, VECTOR_SALT);
        PrefilledTransaction coinbase = compact.prefilled().getFirst();
        assertThatThrownBy(() -> new CompactBlockMessage(block.number(), block.hash(), block.previousHash(),
                block.merkleRoot(), block.time(), block.target(), block.nonce(), 1, compact.shortIds(),
                List.of(coinbase, new PrefilledTransaction(0, coinbase.transaction()))))
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("rise");
        assertThatThrownBy(() -> new GetBlockTransactionsMessage(block.hash(), List.of(1, 1)))
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("rise");
        assertThatThrownBy(() -> new GetBlockMessage(null, 1L, null, null, true))
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("compact goes only with hash");
    }

    @Test
    void aHelloListsExtensionsOnlyWhenItHasSome() {
        HelloMessage plain = (HelloMessage) decode(vector("HELLO", 0));
        assertThat(plain.extensions()).isNull();
        assertThat(plain.offers(Extensions.COMPACT_BLOCKS)).isFalse();
        assertThat(CODEC.encode(plain)).doesNotContain("extensions");
        HelloMessage listing = (HelloMessage) decode(vector("HELLO", 5));
        assertThat(listing.offers(Extensions.COMPACT_BLOCKS)).isTrue();
    }

    private static Block blockOne() {
        return ((BlockMessage) decode(vector("BLOCK", 1))).block();
    }

    private static Message decode(String frame) {
        return ((DecodeResult.Decoded) CODEC.decode(frame)).message();
    }

    private static String vector(String method, int index) {
        return GoldenVectors.read("methods", method + ".json").get("cases").get(index).get("canonical").asString();
    }
}
