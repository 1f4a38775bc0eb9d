package net.tallynet.node.chain;

import static net.tallynet.node.TestBlocks.NETWORK;
import static net.tallynet.node.TestBlocks.PARAMS;
import static net.tallynet.node.TestBlocks.address;
import static net.tallynet.node.TestBlocks.block;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.BlockValidator;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TransactionSigner;
import net.tallynet.protocol.ledger.TxOutput;
import org.junit.jupiter.api.Test;

/** What a block's validation reads: the outputs its inputs name, not every output of the transactions they spend. */
class SpentOutputsTest extends ChainStoreTest {
    private final byte[] alice = Ed25519Keys.newSecretKey();

    @Test
    void spendingOneOutputOfAWideTransactionReadsThatOutputAlone() throws Exception {
        Chain chain = new Chain(store, new BlockValidator(PARAMS, NETWORK, Clock.systemUTC()), PARAMS, "devnet", 1000);
        Block c1 = block(GENESIS, alice, List.of());
        Block c2 = block(c1, alice, List.of());
        Transaction coinbase = c1.transactions().getFirst();
        List<TxOutput> wide = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            wide.add(new TxOutput(address(alice), coinbase.outputs().getFirst().amount() / 500));
        }
        Transaction split = TransactionSigner.sign(NETWORK, List.of(new TransactionSigner.Spend(coinbase.id(), 0, alice)), wide);
        Block c3 = block(c2, alice, List.of(split));
        for (Block block : List.of(c1, c2, c3)) {
            chain.accept(block);
        }
        assertThat(store.utxoCount()).isEqualTo(3 + 500 - 1);

        Transaction spendOne = TransactionSigner.sign(NETWORK, List.of(new TransactionSigner.Spend(split.id(), 7, alice),
                new TransactionSigner.Spend(c2.transactions().getFirst().id(), 0, alice)),
                List.of(new TxOutput(address(alice), 1_000)));
        Block c4 = block(c3, alice, List.of(spendOne));

        assertThat(store.spentOutputs(c4)).containsOnlyKeys(new Outpoint(split.id(), 7), new Outpoint(c2.transactions().getFirst().id(), 0));
        assertThat(chain.accept(c4).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
    }
}
