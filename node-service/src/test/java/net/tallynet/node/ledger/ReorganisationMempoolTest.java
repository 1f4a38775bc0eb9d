package net.tallynet.node.ledger;

import static net.tallynet.node.TestBlocks.NETWORK;
import static net.tallynet.node.TestBlocks.PARAMS;
import static net.tallynet.node.TestBlocks.address;
import static net.tallynet.node.TestBlocks.block;
import static net.tallynet.node.TestBlocks.pay;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import net.tallynet.node.chain.ChainStoreTest;
import net.tallynet.node.chain.Chain;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.node.mempool.MempoolProperties;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.ValidationReason;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ledger (chain and mempool together) across a reorganisation: a 3-block branch swapped for a
 * 4-block one sends the old branch's payment back to the mempool, with balances of the new branch;
 * and the mempool's own rules: conflicts, chained spends, cleaning, bounds.
 */
class ReorganisationMempoolTest extends ChainStoreTest {

    private Ledger ledger;
    private final byte[] alice = Ed25519Keys.newSecretKey();
    private final byte[] bob = Ed25519Keys.newSecretKey();
    private final byte[] carol = Ed25519Keys.newSecretKey();
    private Block c1;
    private Block c2;

    @BeforeEach
    void commonPrefix() throws Exception {
        ledger = ledger(LedgerOverStore.ROOMY);
        c1 = block(Genesis.of("devnet"), alice, List.of());
        c2 = block(c1, alice, List.of());
        ledger.acceptBlock(c1);
        ledger.acceptBlock(c2);
    }

    private Ledger ledger(MempoolProperties bounds) {
        return LedgerOverStore.of(store, 1000, bounds, new SimpleMeterRegistry());
    }

    @Test
    void swappingAThreeBlockBranchForAFourBlockOneReturnsItsPaymentToTheMempool() throws Exception {
        Transaction alicePaysCarol = pay(c1.transactions().getFirst(), alice, carol, 1_000);
        Block a3 = block(c2, alice, List.of());
        Block a4 = block(a3, alice, List.of());
        Block a5 = block(a4, alice, List.of(alicePaysCarol));
        for (Block block : List.of(a3, a4, a5)) {
            ledger.acceptBlock(block);
        }
        assertThat(store.balanceOf(address(carol))).isEqualTo(1_000);

        Block b3 = block(c2, bob, List.of());
        Block b4 = block(b3, bob, List.of());
        Block b5 = block(b4, bob, List.of());
        Block b6 = block(b5, bob, List.of());
        for (Block block : List.of(b3, b4, b5)) {
            assertThat(ledger.acceptBlock(block).outcome()).isEqualTo(Chain.Outcome.SIDE_BRANCH);
        }
        Chain.Result switched = ledger.acceptBlock(b6);

        assertThat(switched.outcome()).isEqualTo(Chain.Outcome.REORGANISED);
        assertThat(switched.disconnected()).hasSize(3);
        assertThat(store.balanceOf(address(alice))).isEqualTo(2 * PARAMS.blockReward());
        assertThat(store.balanceOf(address(bob))).isEqualTo(4 * PARAMS.blockReward());
        assertThat(store.balanceOf(address(carol))).isZero();
        // c1's coinbase is unspent on the new branch, so the payment is valid again and waits to be mined
        assertThat(ledger.mempool().find(alicePaysCarol.id())).contains(alicePaysCarol);
        assertThat(ledger.mempool().size()).isEqualTo(1);

        Block b7 = block(b6, bob, List.of(alicePaysCarol));
        ledger.acceptBlock(b7);
        assertThat(ledger.mempool().size()).isZero();
        assertThat(store.balanceOf(address(carol))).isEqualTo(1_000);
    }

    @Test
    void aPooledPaymentWhoseCoinsOnlyTheOldBranchCreatedLeavesWithItsChildrenAtTheSwitch() throws Exception {
        Block a3 = block(c2, alice, List.of());
        Block a4 = block(a3, alice, List.of());
        Block a5 = block(a4, alice, List.of());
        for (Block block : List.of(a3, a4, a5)) {
            ledger.acceptBlock(block);
        }
        // spends a3's coinbase (mature at #6), and a payment built on it; plus one from c1, on both branches
        Transaction fromA3 = pay(a3.transactions().getFirst(), alice, carol, 10_000);
        Transaction child = pay(fromA3, carol, bob, 400);
        Transaction fromC1 = pay(c1.transactions().getFirst(), alice, bob, 2_000);
        for (Transaction tx : List.of(fromA3, child, fromC1)) {
            ledger.acceptTransaction(tx);
        }

        Block b3 = block(c2, bob, List.of());
        Block b4 = block(b3, bob, List.of());
        Block b5 = block(b4, bob, List.of());
        Block b6 = block(b5, bob, List.of());
        for (Block block : List.of(b3, b4, b5, b6)) {
            ledger.acceptBlock(block);
        }

        assertThat(ledger.chain().tip().hash()).isEqualTo(b6.hash());
        assertThat(ledger.mempool().entries()).extracting(e -> e.tx().id()).containsExactly(fromC1.id());
        // a template from the pool now connects: the miner's next block is valid
        Block next = block(b6, bob, ledger.mempool().select(1_000_000).stream().map(Mempool.Entry::tx).toList());
        assertThat(ledger.acceptBlock(next).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
    }

    @Test
    void mempoolRefusesConflictsAcceptsChainedSpendsAndCleansOnConnect() throws Exception {
        Transaction first = pay(c1.transactions().getFirst(), alice, carol, 10_000);
        Transaction conflicting = pay(c1.transactions().getFirst(), alice, bob, 2_000);
        Transaction chained = pay(first, carol, bob, 400);
        ledger.acceptTransaction(first);
        assertThatThrownBy(() -> ledger.acceptTransaction(conflicting)).isInstanceOfSatisfying(
                InvalidLedgerObjectException.class, e -> assertThat(e.reason()).isEqualTo(ValidationReason.DOUBLE_SPEND));
        ledger.acceptTransaction(chained);
        assertThat(ledger.mempool().select(1_000_000)).extracting(e -> e.tx().id()).containsExactly(first.id(), chained.id());

        // a block that spends c1's coinbase differently evicts the pooled spend and everything built on it
        ledger.acceptBlock(block(c2, bob, List.of(conflicting)));
        assertThat(ledger.mempool().size()).isZero();
        assertThat(ledger.mempool().bytes()).isZero();
    }

    @Test
    void fullMempoolKeepsTheBetterPayingTransactions() throws Exception {
        ledger.acceptBlock(block(c2, alice, List.of())); // c2's coinbase matures for the next block
        Ledger small = ledger(MempoolProperties.bounds(1, 5_000_000));
        Transaction cheap = feePaying(c1, 100);
        Transaction rich = feePaying(c2, 1_000);
        small.acceptTransaction(cheap);
        small.acceptTransaction(rich);
        assertThat(small.mempool().entries()).extracting(e -> e.tx().id()).containsExactly(rich.id());
        assertThatThrownBy(() -> small.acceptTransaction(feePaying(c1, 50))).isInstanceOf(Mempool.FullException.class);
    }

    /** Review item 23: no free relay. Refused before its signatures are checked, so it costs none. */
    @Test
    void aTransactionUnderTheMinimumRelayFeeIsNotPooled() throws Exception {
        int size = net.tallynet.protocol.ledger.CanonicalEncoding.transaction(feePaying(c1, 0), true).length;
        long minimum = (100L * size + 999) / 1000; // tallynet.mempool.min-fee-rate: 100 per 1000 bytes
        for (long fee : List.of(0L, minimum - 1)) {
            assertThatThrownBy(() -> ledger.acceptTransaction(feePaying(c1, fee))).as("fee %d", fee)
                    .isInstanceOfSatisfying(InvalidLedgerObjectException.class,
                            e -> assertThat(e.reason()).isEqualTo(ValidationReason.FEE_TOO_LOW));
        }
        assertThat(ledger.mempool().size()).isZero();
        assertThat(ledger.mempool().signatureChecks()).isZero();
        assertThat(ledger.acceptTransaction(feePaying(c1, minimum))).isEqualTo(Mempool.Added.ADDED);
    }

    /** Review item 23: a full pool's worst transaction is pushed out only by paying the incremental rate more. */
    @Test
    void pushingOutTheWorstTakesTheIncrementalFeeRateMore() throws Exception {
        ledger.acceptBlock(block(c2, alice, List.of())); // c2's coinbase matures for the next block
        Ledger small = ledger(MempoolProperties.bounds(1, 5_000_000));
        Transaction pooled = feePaying(c1, 1_000);
        small.acceptTransaction(pooled);
        int size = small.mempool().entries().getFirst().size();
        long increment = (100L * size + 999) / 1000; // tallynet.mempool.incremental-fee-rate: 100 per 1000 bytes
        // a few units more is a higher rate, but not enough to be relayed in its place
        assertThatThrownBy(() -> small.acceptTransaction(feePaying(c2, 1_000 + increment - 2)))
                .isInstanceOf(Mempool.FullException.class);
        Transaction better = feePaying(c2, 1_000 + increment + 1);
        small.acceptTransaction(better);
        assertThat(small.mempool().entries()).extracting(e -> e.tx().id()).containsExactly(better.id());
    }

    /**
     * The block template: among transactions whose pooled parents are chosen, the best paying next; a parent
     * always before its child, however much more the child pays; what does not fit is left with its children.
     */
    @Test
    void theTemplateTakesTheBestPayingReadyTransactionFirstAndParentsBeforeChildren() throws Exception {
        ledger.acceptBlock(block(c2, alice, List.of())); // c2's coinbase matures for the next block
        Transaction parent = feePaying(c1, 200);
        Transaction child = spendAll(parent, bob, 50_000); // pays far more than its parent
        Transaction other = feePaying(c2, 5_000);
        for (Transaction tx : List.of(parent, child, other)) {
            ledger.acceptTransaction(tx);
        }
        assertThat(ledger.mempool().select(1_000_000)).extracting(e -> e.tx().id())
                .containsExactly(other.id(), parent.id(), child.id());
        int parentSize = ledger.mempool().entries().stream().filter(e -> e.tx().id().equals(parent.id())).findFirst()
                .orElseThrow().size();
        int otherSize = ledger.mempool().entries().stream().filter(e -> e.tx().id().equals(other.id())).findFirst()
                .orElseThrow().size();
        // room for one more than the best: the parent does not fit, so neither does its child
        assertThat(ledger.mempool().select(otherSize + parentSize - 1)).extracting(e -> e.tx().id())
                .containsExactly(other.id());
    }

    /** {@code funding}'s only output (paying {@code owner}), spent whole to bob less {@code fee}. */
    private Transaction spendAll(Transaction funding, byte[] owner, long fee) {
        return net.tallynet.protocol.ledger.TransactionSigner.sign(NETWORK,
                List.of(new net.tallynet.protocol.ledger.TransactionSigner.Spend(funding.id(), 0, owner)),
                List.of(new net.tallynet.protocol.ledger.TxOutput(address(bob), funding.outputs().getFirst().amount() - fee)));
    }

    private Transaction feePaying(Block funding, long fee) {
        Transaction coinbase = funding.transactions().getFirst();
        return net.tallynet.protocol.ledger.TransactionSigner.sign(NETWORK,
                List.of(new net.tallynet.protocol.ledger.TransactionSigner.Spend(coinbase.id(), 0, alice)),
                List.of(new net.tallynet.protocol.ledger.TxOutput(address(bob), coinbase.outputs().getFirst().amount() - fee)));
    }
}
