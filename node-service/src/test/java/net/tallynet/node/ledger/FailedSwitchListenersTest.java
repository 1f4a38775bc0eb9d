package net.tallynet.node.ledger;

import static net.tallynet.node.TestBlocks.block;
import static net.tallynet.node.TestBlocks.pay;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.node.chain.Chain;
import net.tallynet.node.chain.ChainStoreTest;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.ValidationReason;
import org.junit.jupiter.api.Test;

/**
 * Review item 20 seen from the ledger: a switch of branches that the store leaves part way (H2 refusing a
 * block's best-chain flag on the way there and another on the way back) moves the tip though the block that
 * came is refused. The pool and the listeners (relay, announcements, the dashboard) hear what moved as they
 * hear any move, and again when the next block finishes the switch though it is refused itself: before,
 * they heard nothing of either, and a payment of a block taken off the chain so was lost from the pool.
 */
class FailedSwitchListenersTest extends ChainStoreTest {
    private final byte[] alice = Ed25519Keys.newSecretKey();
    private final byte[] bob = Ed25519Keys.newSecretKey();
    private final byte[] carol = Ed25519Keys.newSecretKey();
    private final List<List<Block>> heardDisconnected = new ArrayList<>();
    private final List<Block> heardConnected = new ArrayList<>();

    @Test
    void aSwitchLeftPartWayIsHeardAndItsPaymentsGoBackToThePool() throws Exception {
        Ledger ledger = LedgerOverStore.of(store, 1000, LedgerOverStore.ROOMY, new SimpleMeterRegistry());
        Chain chain = ledger.chain();
        Mempool mempool = ledger.mempool();
        ledger.addListener(new Ledger.Listener() {
            @Override
            public void blocksConnected(List<Block> connected, Object source) {
                heardConnected.addAll(connected);
            }

            @Override
            public void reorganised(List<Block> disconnected, List<Block> connected) {
                heardDisconnected.add(disconnected);
            }
        });
        Block genesis = Genesis.of("devnet");
        Block a1 = block(genesis, alice, List.of());
        Block a2 = block(a1, alice, List.of());
        Block a3 = block(a2, alice, List.of());
        Transaction alicePaysCarol = pay(a1.transactions().getFirst(), alice, carol, 1_000); // mature from #3
        Block a4 = block(a3, alice, List.of(alicePaysCarol));
        List<Block> b = new ArrayList<>(List.of(block(genesis, bob, List.of())));
        for (int i = 1; i < 6; i++) {
            b.add(block(b.getLast(), bob, List.of()));
        }
        for (Block block : List.of(a1, a2, a3, a4, b.get(0), b.get(1), b.get(2), b.get(3))) {
            ledger.acceptBlock(block);
        }
        heardConnected.clear();
        try {
            refuseConnecting("FAIL_B3", b.get(2), false);
            refuseConnecting("FAIL_A3", a3, true); // and on the way back
            assertThatThrownBy(() -> ledger.acceptBlock(b.get(4))).isInstanceOf(RuntimeException.class);
        } finally {
            allowConnecting("FAIL_B3");
            allowConnecting("FAIL_A3");
        }
        assertThat(chain.tip().hash()).as("left part way").isEqualTo(a2.hash());
        assertThat(heardDisconnected).containsExactly(List.of(a4, a3));
        assertThat(heardConnected).isEmpty();
        assertThat(mempool.find(alicePaysCarol.id())).as("a4's payment is back in the pool").isPresent();

        // the next block finishes the switch first, even when it is itself refused (here its hash is not its header's)
        Block b6 = b.get(5);
        Block forged = new Block(b6.number(), b6.hash(), b6.previousHash(), b6.merkleRoot(), b6.time(), b6.target(),
                b6.nonce() + 1, b6.transactions());
        assertThatThrownBy(() -> ledger.acceptBlock(forged)).isInstanceOfSatisfying(InvalidLedgerObjectException.class,
                e -> assertThat(e.reason()).isEqualTo(ValidationReason.BAD_BLOCK_HASH));
        assertThat(chain.tip().hash()).isEqualTo(b.get(4).hash());
        assertThat(heardDisconnected).containsExactly(List.of(a4, a3), List.of(a2, a1));
        assertThat(heardConnected).containsExactlyElementsOf(b.subList(0, 5));
        assertThat(mempool.find(alicePaysCarol.id())).as("its coins left with a1").isEmpty();

        assertThat(ledger.acceptBlock(b6).connected()).containsExactly(b6);
        assertThat(heardConnected).containsExactlyElementsOf(b);
    }
}
