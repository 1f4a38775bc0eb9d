package net.tallynet.node.chain;

import static net.tallynet.node.TestBlocks.NETWORK;
import static net.tallynet.node.TestBlocks.address;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.BlockValidator;
import net.tallynet.protocol.ledger.ChainParams;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.ledger.NonceSearch;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.ledger.TxOutput;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Security review item 4: side branches that fork too far below the tip, or carry too little work per
 * block, are not stored (so a peer cannot fill the disk with cheap blocks), while an honest competing
 * branch is, and a branch that overtakes the best chain still takes over. Blocks here are mined at a
 * target 16 times harder than the easiest, so a branch at the easiest target carries an eighth of the
 * work per block.
 */
class SideBranchPolicyTest extends ChainStoreTest {
    private static final String HARD = "0fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
    private static final String EASIEST = "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
    /** No retargets: every block must carry the initial target, except where the policy refuses first. */
    private static final ChainParams PARAMS = new ChainParams(Duration.ofSeconds(1), 0, HARD, EASIEST,
            5_000_000_000L, 0, 2, 1_000_000, Duration.ofMinutes(2), 11);
    private static final int MAX_FORK_DEPTH = 3;

    private Chain chain;
    private final byte[] alice = Ed25519Keys.newSecretKey();
    private final byte[] mallory = Ed25519Keys.newSecretKey();
    private final List<Block> main = new ArrayList<>();

    @BeforeEach
    void sixBlocks() throws Exception {
        chain = new Chain(store, new BlockValidator(PARAMS, NETWORK, Clock.systemUTC()), PARAMS, "devnet",
                MAX_FORK_DEPTH);
        Block parent = Genesis.of("devnet");
        for (int i = 0; i < 6; i++) {
            parent = block(parent, alice, HARD);
            assertThat(chain.accept(parent).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
            main.add(parent);
        }
    }

    @Test
    void aBranchForkingDeeperThanTheLimitIsNotStored() throws Exception {
        Block fromGenesis = block(Genesis.of("devnet"), mallory, HARD);
        Block fromBlock2 = block(main.get(1), mallory, HARD); // leaves the chain at #2, 4 below the tip #6

        assertThat(chain.accept(fromGenesis).outcome()).isEqualTo(Chain.Outcome.FORK_TOO_DEEP);
        assertThat(chain.accept(fromBlock2).outcome()).isEqualTo(Chain.Outcome.FORK_TOO_DEEP);
        assertThat(store.storedHeader(fromGenesis.hash())).isEmpty();
        assertThat(store.storedHeader(fromBlock2.hash())).isEmpty();
        assertThat(chain.tip().hash()).isEqualTo(main.getLast().hash());

        // remembered, with what descends from it: sync does not fetch that branch again from every list
        Block child = block(fromBlock2, mallory, HARD);
        assertThat(chain.wasNotStored(fromBlock2.hash())).isTrue();
        assertThat(chain.accept(child).outcome()).isEqualTo(Chain.Outcome.FORK_TOO_DEEP);
        assertThat(chain.wasNotStored(child.hash())).isTrue();
        assertThat(store.storedHeader(child.hash())).isEmpty();
    }

    @Test
    void anHonestBranchWithinTheLimitIsStoredAndTakesOverWithMoreWork() throws Exception {
        Block b4 = block(main.get(2), mallory, HARD); // leaves at #3, 3 below the tip: allowed
        Block b5 = block(b4, mallory, HARD);
        Block b6 = block(b5, mallory, HARD);
        Block b7 = block(b6, mallory, HARD);
        for (Block block : List.of(b4, b5, b6)) {
            assertThat(chain.accept(block).outcome()).isEqualTo(Chain.Outcome.SIDE_BRANCH);
            assertThat(store.storedHeader(block.hash())).isPresent();
        }
        assertThat(chain.accept(b7).outcome()).isEqualTo(Chain.Outcome.REORGANISED);
        assertThat(chain.tip().hash()).isEqualTo(b7.hash());
    }

    @Test
    void aBranchCarryingTooLittleWorkPerBlockIsNotStored() throws Exception {
        Block cheap = block(main.get(4), mallory, EASIEST); // one eighth of the work of the block it competes with

        assertThat(chain.accept(cheap).outcome()).isEqualTo(Chain.Outcome.LOW_WORK_BRANCH);
        assertThat(store.storedHeader(cheap.hash())).isEmpty();
        assertThat(blocks.count()).as("genesis and the six blocks only").isEqualTo(7);
    }

    @Test
    void aBranchGrowingPastTheDepthLimitStopsBeingStored() throws Exception {
        // a side branch stays allowed as long as it leaves the chain within the limit: the tip moving on ends it
        Block side = block(main.get(3), mallory, HARD); // leaves at #4, 2 below the tip
        assertThat(chain.accept(side).outcome()).isEqualTo(Chain.Outcome.SIDE_BRANCH);
        Block parent = main.getLast();
        for (int i = 0; i < 2; i++) {
            parent = block(parent, alice, HARD);
            assertThat(chain.accept(parent).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
        }
        // the tip is #8 now: the branch's fork at #4 is 4 below it
        assertThat(chain.accept(block(side, mallory, HARD)).outcome()).isEqualTo(Chain.Outcome.FORK_TOO_DEEP);
    }

    /** A mined child of {@code parent} at {@code target}, paying the reward to {@code miner}. */
    private static Block block(Block parent, byte[] miner, String target) {
        long number = parent.number() + 1;
        Transaction coinbase = Transaction.of(List.of(TxInput.coinbase(number)),
                List.of(new TxOutput(address(miner), PARAMS.rewardAt(number))));
        long time = Genesis.TIME + number * 1000 + (miner[0] & 0x7f);
        return NonceSearch.solve(Block.of(number, parent.hash(), time, target, 0, List.of(coinbase)));
    }
}
