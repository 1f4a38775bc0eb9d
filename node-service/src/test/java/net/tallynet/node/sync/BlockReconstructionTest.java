package net.tallynet.node.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.tallynet.node.TestBlocks;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.CanonicalEncoding;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.message.CompactBlockMessage;
import org.junit.jupiter.api.Test;

/** Rebuilding a block from a COMPACTBLOCK and held transactions (PROTOCOL.md 12.1). */
class BlockReconstructionTest {
    private static final byte[] KEY = Ed25519Keys.newSecretKey();

    @Test
    void heldTransactionsFillTheirPositionsAndTheRestIsAskedFor() throws Exception {
        List<Transaction> payments = payments(4);
        Block block = TestBlocks.block(Genesis.of("devnet"), KEY, payments);
        CompactBlockMessage compact = CompactBlockMessage.of(block, 42);
        BlockReconstruction rebuilt = BlockReconstruction.of(compact, List.of(payments.get(0), payments.get(2)));
        assertThat(rebuilt.missing()).containsExactly(2, 4);
        rebuilt.fill(List.of(payments.get(1), payments.get(3)));
        assertThat(rebuilt.block()).isEqualTo(block);
    }

    @Test
    void aPositionTwoHeldTransactionsClaimIsAskedForAndWrongTransactionsDoNotMatchTheMerkleRoot() throws Exception {
        List<Transaction> payments = payments(2);
        Block block = TestBlocks.block(Genesis.of("devnet"), KEY, payments);
        CompactBlockMessage real = CompactBlockMessage.of(block, 42);
        // a compact block whose short id for position 1 is also the short id of an unrelated held transaction
        Transaction stranger = payments(1).getFirst();
        String strangerId = new net.tallynet.protocol.message.ShortIds(block.hash(), 42).hexOf(stranger.id());
        CompactBlockMessage claimed = new CompactBlockMessage(block.number(), block.hash(), block.previousHash(),
                block.merkleRoot(), block.time(), block.target(), block.nonce(), 42,
                List.of(strangerId, real.shortIds().get(1)), real.prefilled());
        BlockReconstruction twice = BlockReconstruction.of(claimed, List.of(stranger, stranger, payments.get(1)));
        assertThat(twice.missing()).as("claimed twice: asked for").containsExactly(1);
        BlockReconstruction once = BlockReconstruction.of(claimed, List.of(stranger, payments.get(1)));
        assertThat(once.missing()).isEmpty();
        Block wrong = once.block();
        assertThat(wrong.transactions().get(1)).isSameAs(stranger);
        // left to the block rules, which check the root once (BlockSync tells this apart from an invalid block)
        assertThat(CanonicalEncoding.merkleRootOf(wrong.transactions()))
                .as("the stranger does not match the merkle root").isNotEqualTo(block.merkleRoot());
    }

    @Test
    void equalShortIdsInOneMessageAreACollision() {
        List<Transaction> payments = payments(2);
        Block block = TestBlocks.block(Genesis.of("devnet"), KEY, payments);
        CompactBlockMessage real = CompactBlockMessage.of(block, 42);
        CompactBlockMessage twice = new CompactBlockMessage(block.number(), block.hash(), block.previousHash(),
                block.merkleRoot(), block.time(), block.target(), block.nonce(), 42,
                List.of(real.shortIds().getFirst(), real.shortIds().getFirst()), real.prefilled());
        assertThatThrownBy(() -> BlockReconstruction.of(twice, payments))
                .isInstanceOf(BlockReconstruction.CollisionException.class);
    }

    /** Payments that need not be valid on any chain: only their ids matter here. */
    private static List<Transaction> payments(int count) {
        List<Transaction> payments = new ArrayList<>();
        Transaction funding = TestBlocks.block(Genesis.of("devnet"), Ed25519Keys.newSecretKey(), List.of())
                .transactions().getFirst();
        for (int i = 0; i < count; i++) {
            payments.add(TestBlocks.pay(funding, KEY, Ed25519Keys.newSecretKey(), 1000 + i));
        }
        return payments;
    }
}
