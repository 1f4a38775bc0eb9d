package net.tallynet.node.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import static net.tallynet.node.TestBlocks.NETWORK;
import static net.tallynet.node.TestBlocks.PARAMS;
import static net.tallynet.node.TestBlocks.address;
import static net.tallynet.node.TestBlocks.block;
import static net.tallynet.node.TestBlocks.pay;
import net.tallynet.node.TestBlocks;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.BlockValidator;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TransactionSigner;
import net.tallynet.protocol.ledger.TxOutput;
import net.tallynet.protocol.ledger.ValidationReason;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Chain choice by cumulative work over the JPA store: a 3-block chain replaced by a 4-block branch
 * and back, balances and unspent outputs checked each time; an invalid branch leaves the chain as it was.
 */
class ChainReorganisationTest extends ChainStoreTest {

    private Chain chain;
    private final byte[] alice = Ed25519Keys.newSecretKey();
    private final byte[] bob = Ed25519Keys.newSecretKey();
    private final byte[] carol = Ed25519Keys.newSecretKey();

    @BeforeEach
    void freshChain() {
        chain = new Chain(store, new BlockValidator(PARAMS, NETWORK, Clock.systemUTC()), PARAMS, "devnet", 1000);
    }

    @Test
    void branchWithMoreWorkReplacesTheChainAndTheOldChainComesBack() throws Exception {
        Switch s = aChainAndALongerBranch();
        List<Block> a = s.a();
        List<Block> b = s.b();
        Transaction alicePaysCarol = s.alicePaysCarol();
        assertOnChainA(s);

        Chain.Result switched = chain.accept(b.get(3));
        assertThat(switched.outcome()).isEqualTo(Chain.Outcome.REORGANISED);
        assertThat(switched.disconnected()).extracting(Block::hash)
                .containsExactly(a.get(2).hash(), a.get(1).hash(), a.get(0).hash());
        assertThat(switched.connected()).extracting(Block::hash).containsExactlyElementsOf(b.stream().map(Block::hash).toList());
        assertThat(chain.tip().hash()).isEqualTo(b.get(3).hash());
        assertThat(balance(alice)).isZero();
        assertThat(balance(carol)).isZero();
        assertThat(balance(bob)).isEqualTo(4 * PARAMS.blockReward());
        assertThat(store.utxoCount()).isEqualTo(4);
        assertThat(store.locate(alicePaysCarol.id()).isPresent()).isFalse();
        assertThat(blocksWithUndoData()).isZero();
        assertThat(store.mainChainAt(2).orElseThrow().hash()).isEqualTo(b.get(1).hash());

        // chain A grows to 5 blocks: everything moves back, from the undo data and the stored blocks
        a.add(block(a.get(2), alice, List.of()));
        assertThat(chain.accept(a.get(3)).outcome()).isEqualTo(Chain.Outcome.SIDE_BRANCH);
        a.add(block(a.get(3), alice, List.of()));
        assertThat(chain.accept(a.get(4)).outcome()).isEqualTo(Chain.Outcome.REORGANISED);
        assertThat(balance(bob)).isZero();
        assertThat(balance(alice)).isEqualTo(5 * PARAMS.blockReward() - 1_000 - TestBlocks.FEE);
        assertThat(balance(carol)).isEqualTo(1_000);
        assertThat(store.locate(alicePaysCarol.id()).isPresent()).isTrue();
        assertThat(blocksWithUndoData()).isEqualTo(1);
    }

    @Test
    void heightsReadBeforeAReorganisationAnswerWithTheNewBranchAfterIt() throws Exception {
        Switch s = aChainAndALongerBranch();
        for (int n = 1; n <= 3; n++) {
            assertThat(store.mainChainHashAt(n)).contains(s.a().get(n - 1).hash()); // read, so kept in memory
        }
        assertThat(chain.accept(s.b().get(3)).outcome()).isEqualTo(Chain.Outcome.REORGANISED);
        for (int n = 1; n <= 4; n++) {
            assertThat(store.mainChainHashAt(n)).as("height %d", n).contains(s.b().get(n - 1).hash());
        }
    }

    @Test
    void invalidBranchIsForgottenAndTheChainStaysAsItWas() throws Exception {
        Block genesis = Genesis.of("devnet");
        Block a1 = block(genesis, alice, List.of());
        Block a2 = block(a1, alice, List.of());
        Block a3 = block(a2, alice, List.of());
        for (Block block : List.of(a1, a2, a3)) {
            chain.accept(block);
        }
        long aliceBefore = balance(alice);

        Block b1 = block(genesis, bob, List.of());
        Block b2 = block(b1, bob, List.of());
        // b3 spends an output that does not exist: valid on arrival (stored on a side branch), invalid when connected
        Transaction bogus = TransactionSigner.sign(NETWORK, List.of(new TransactionSigner.Spend("77".repeat(32), 0, bob)),
                List.of(new TxOutput(address(bob), 1)));
        Block b3 = block(b2, bob, List.of(bogus));
        Block b4 = block(b3, bob, List.of());
        for (Block block : List.of(b1, b2, b3)) {
            assertThat(chain.accept(block).outcome()).isEqualTo(Chain.Outcome.SIDE_BRANCH);
        }
        assertThatThrownBy(() -> chain.accept(b4)).isInstanceOfSatisfying(InvalidLedgerObjectException.class,
                e -> assertThat(e.reason()).isEqualTo(ValidationReason.UNKNOWN_INPUT));

        assertThat(chain.tip().hash()).isEqualTo(a3.hash());
        assertThat(balance(alice)).isEqualTo(aliceBefore);
        assertThat(balance(bob)).isZero();
        // the invalid block and its descendant are gone; the valid part of the branch stays
        assertThat(blocks.existsById(b3.hash())).isFalse();
        assertThat(blocks.existsById(b4.hash())).isFalse();
        assertThat(blocks.existsById(b2.hash())).isTrue();
        // a later child of the forgotten branch is an orphan, not an error
        assertThat(chain.accept(block(b4, bob, List.of())).outcome()).isEqualTo(Chain.Outcome.ORPHAN);
        chain.resume();
        assertThat(chain.tip().hash()).isEqualTo(a3.hash());

        // the next block of the chain is numbered as the forgotten b4 was: it joins the best chain all the same
        Block a4 = block(a3, alice, List.of());
        assertThat(chain.accept(a4).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
        assertThat(store.mainChainAt(4).orElseThrow().hash()).isEqualTo(a4.hash());
        assertThat(store.mainChainRefs(1, 4)).hasSize(4);
    }

    /**
     * Review item 20: a real database failure (H2 refusing to mark the branch's third block as on the best
     * chain, by a check constraint) in the middle of a switch. The node goes back to the chain it had, keeps
     * the branch (nothing is wrong with it), and takes it when the next block comes.
     */
    @Test
    void aStoreFailureMidwayThroughASwitchGoesBackAndTheBranchIsTakenAtTheNextBlock() throws Exception {
        Switch s = aChainAndALongerBranch();
        try {
            refuseConnecting("FAIL_B3", s.b.get(2), false);
            assertThatThrownBy(() -> chain.accept(s.b.get(3))).isInstanceOf(RuntimeException.class);
            assertOnChainA(s);
            assertThat(blocks.existsById(s.b.get(3).hash())).as("the branch is kept").isTrue();
        } finally {
            allowConnecting("FAIL_B3");
        }
        Block b5 = block(s.b.get(3), bob, List.of());
        Chain.Result next = chain.accept(b5);
        assertOnChainB(s, b5);
        assertThat(next.outcome()).isEqualTo(Chain.Outcome.REORGANISED);
        assertThat(next.disconnected()).extracting(Block::hash).containsExactly(s.a.get(2).hash(), s.a.get(1).hash(),
                s.a.get(0).hash());
        assertThat(next.connected()).hasSize(5);
    }

    /** As above, and going back fails too (a's second block refused on the way back): the next block finishes the switch. */
    @Test
    void aSwitchLeftPartWayByTheStoreIsFinishedAtTheNextBlock() throws Exception {
        Switch s = aChainAndALongerBranch();
        try {
            refuseConnecting("FAIL_B3", s.b.get(2), false);
            refuseConnecting("FAIL_A2", s.a.get(1), true);
            assertThatThrownBy(() -> chain.accept(s.b.get(3))).isInstanceOf(RuntimeException.class)
                    .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
            // part way, but whole blocks only: a's first block is back, its second could not be
            assertThat(chain.tip().hash()).isEqualTo(s.a.getFirst().hash());
            assertThat(balance(alice)).isEqualTo(PARAMS.blockReward());
        } finally {
            allowConnecting("FAIL_B3");
            allowConnecting("FAIL_A2");
        }
        Block b5 = block(s.b.get(3), bob, List.of());
        Chain.Result next = chain.accept(b5);
        assertOnChainB(s, b5);
        assertThat(next.disconnected()).extracting(Block::hash).containsExactly(s.a.getFirst().hash());
        assertThat(next.connected()).extracting(Block::hash).endsWith(b5.hash()).hasSize(5);
    }

    /**
     * A child of the tip is stored and connected in one transaction: a store failure there (H2 refusing its
     * best-chain flag) leaves the tip where it was, keeps the block, stored alone, and the next block
     * connects both.
     */
    @Test
    void aStoreFailureConnectingAChildOfTheTipKeepsTheBlockForTheNextOne() throws Exception {
        Block a1 = block(Genesis.of("devnet"), alice, List.of());
        Block a2 = block(a1, alice, List.of());
        chain.accept(a1);
        try {
            refuseConnecting("FAIL_A2", a2, false);
            assertThatThrownBy(() -> chain.accept(a2)).isInstanceOf(RuntimeException.class);
            assertThat(chain.tip().hash()).isEqualTo(a1.hash());
            assertThat(blocks.existsById(a2.hash())).as("stored, not connected").isTrue();
            assertThat(balance(alice)).isEqualTo(PARAMS.blockReward());
        } finally {
            allowConnecting("FAIL_A2");
        }
        Block a3 = block(a2, alice, List.of());
        Chain.Result next = chain.accept(a3);
        assertThat(next.connected()).extracting(Block::hash).containsExactly(a2.hash(), a3.hash());
        assertThat(chain.tip().hash()).isEqualTo(a3.hash());
        assertThat(balance(alice)).isEqualTo(3 * PARAMS.blockReward());
        assertThat(store.locate(a2.transactions().getFirst().id())).isPresent();
    }

    /** A child of the tip failing its spend rules is not stored, and is remembered as failing them alone. */
    @Test
    void aChildOfTheTipFailingItsSpendRulesIsNotStored() throws Exception {
        Block a1 = block(Genesis.of("devnet"), alice, List.of());
        chain.accept(a1);
        Transaction bogus = TransactionSigner.sign(NETWORK, List.of(new TransactionSigner.Spend("77".repeat(32), 0, bob)),
                List.of(new TxOutput(address(bob), 1)));
        Block a2 = block(a1, alice, List.of(bogus));
        assertThatThrownBy(() -> chain.accept(a2)).isInstanceOfSatisfying(InvalidLedgerObjectException.class,
                e -> assertThat(e.reason()).isEqualTo(ValidationReason.UNKNOWN_INPUT));
        assertThat(blocks.existsById(a2.hash())).isFalse();
        assertThat(store.has(a2.hash())).isFalse();
        assertThat(chain.failedOnlySpendRules(a2.hash())).isTrue();
        assertThat(chain.tip().hash()).isEqualTo(a1.hash());
        assertThat(blocksWithUndoData()).isZero();
        Block other = block(a1, alice, List.of());
        assertThat(chain.accept(other).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
    }

    private record Switch(List<Block> a, List<Block> b, Transaction alicePaysCarol) {
    }

    /** Chain a (3 blocks, alice pays carol in the third) connected; b (4 blocks from genesis) stored but its last. */
    private Switch aChainAndALongerBranch() throws Exception {
        Block genesis = Genesis.of("devnet");
        List<Block> a = new ArrayList<>();
        a.add(block(genesis, alice, List.of()));
        a.add(block(a.get(0), alice, List.of()));
        Transaction alicePaysCarol = pay(a.get(0).transactions().getFirst(), alice, carol, 1_000);
        a.add(block(a.get(1), alice, List.of(alicePaysCarol)));
        for (Block block : a) {
            assertThat(chain.accept(block).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
        }
        List<Block> b = new ArrayList<>();
        b.add(block(genesis, bob, List.of()));
        for (int i = 1; i < 4; i++) {
            b.add(block(b.get(i - 1), bob, List.of()));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(chain.accept(b.get(i)).outcome()).isEqualTo(Chain.Outcome.SIDE_BRANCH);
        }
        return new Switch(a, b, alicePaysCarol);
    }

    private void assertOnChainA(Switch s) {
        assertThat(chain.tip().hash()).isEqualTo(s.a.get(2).hash());
        for (int n = 1; n <= 3; n++) {
            assertThat(store.mainChainAt(n).orElseThrow().hash()).isEqualTo(s.a.get(n - 1).hash());
        }
        assertThat(balance(alice)).isEqualTo(3 * PARAMS.blockReward() - 1_000 - TestBlocks.FEE);
        assertThat(balance(carol)).isEqualTo(1_000);
        assertThat(balance(bob)).isZero();
        assertThat(store.utxoCount()).isEqualTo(4);
        assertThat(store.locate(s.alicePaysCarol.id()).isPresent()).isTrue();
    }

    private void assertOnChainB(Switch s, Block b5) {
        assertThat(chain.tip().hash()).isEqualTo(b5.hash());
        assertThat(balance(bob)).isEqualTo(5 * PARAMS.blockReward());
        assertThat(balance(alice)).isZero();
        assertThat(balance(carol)).isZero();
        assertThat(store.utxoCount()).isEqualTo(5);
        assertThat(store.locate(s.alicePaysCarol.id()).isPresent()).isFalse();
        assertThat(blocksWithUndoData()).isZero();
    }

    @Test
    void aRestartKeepsTheTipWhenASideBranchHasAsMuchWork() throws Exception {
        Block genesis = Genesis.of("devnet");
        Block a1 = block(genesis, alice, List.of());
        Block a2 = block(a1, alice, List.of());
        Block b1 = block(genesis, bob, List.of());
        Block b2 = block(b1, bob, List.of());
        chain.accept(a1);
        chain.accept(a2);
        chain.accept(b1);
        assertThat(chain.accept(b2).outcome()).isEqualTo(Chain.Outcome.SIDE_BRANCH);
        Block c1 = block(genesis, carol, List.of());
        Block c2 = block(c1, carol, List.of());
        chain.accept(c1);
        chain.accept(c2);
        for (int restart = 0; restart < 3; restart++) {
            chain.resume();
            assertThat(chain.tip().hash()).as("tip after restart %d", restart).isEqualTo(a2.hash());
        }
    }

    @Test
    void orphansAndDuplicatesAreRecognised() throws Exception {
        Block a1 = block(Genesis.of("devnet"), alice, List.of());
        Block a2 = block(a1, alice, List.of());
        assertThat(chain.accept(a2).outcome()).isEqualTo(Chain.Outcome.ORPHAN);
        assertThat(chain.accept(a1).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
        assertThat(chain.accept(a1).outcome()).isEqualTo(Chain.Outcome.ALREADY_KNOWN);
        assertThat(store.block(a1.hash())).contains(a1);
    }

    private long balance(byte[] key) {
        return store.balanceOf(address(key));
    }
}
