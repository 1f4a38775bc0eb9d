package net.tallynet.node.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestBlocks;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TransactionSigner;
import net.tallynet.protocol.ledger.TxOutput;
import net.tallynet.protocol.message.PushTransactionMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A payment that lost a double-spend race to a mined spend (PROTOCOL.md 7.5 item 7): its input is unknown
 * now, as for an orphan, but the transaction it spends from is on the best chain, so no parent is coming and
 * it is not held; nor is one spending an output its pooled parent does not have. A real orphan pushed with
 * them still is. Both verdicts are remembered until the chain changes, so a push of them again costs no look-up.
 */
class DoubleSpentByBlockTest {
    @TempDir
    Path dir;

    @Test
    void aPaymentWhoseInputAMinedSpendTookIsRefusedNotHeld() throws Exception {
        byte[] key = Ed25519Keys.newSecretKey();
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("conflict");
            int port = TestNetwork.port(node);
            List<Block> blocks = TestBlocks.connectEmpty(node, key, 6); // coinbases 1 to 5 spendable in block 7
            Transaction coinbase = blocks.getFirst().transactions().getFirst();
            Transaction mined = TestBlocks.pay(coinbase, key, Ed25519Keys.newSecretKey(), 5000);
            Transaction late = TestBlocks.pay(coinbase, key, Ed25519Keys.newSecretKey(), 6000);
            node.getBean(Ledger.class).acceptBlock(TestBlocks.block(blocks.getLast(), key, List.of(mined)));
            // an orphan for comparison: its parent has not been seen anywhere
            Transaction parent = TestBlocks.pay(blocks.get(1).transactions().getFirst(), key, key, 5000);
            Transaction orphan = TestBlocks.pay(parent, key, Ed25519Keys.newSecretKey(), 2000);
            double held = TestNetwork.count(node, "tallynet.orphans", "outcome", "held");

            // a pooled transaction, and one spending an output it does not have: no parent can bring that either
            Transaction pooled = TestBlocks.pay(blocks.get(2).transactions().getFirst(), key, key, 5000);
            node.getBean(Ledger.class).acceptTransaction(pooled, "a peer");
            Transaction noSuchOutput = TransactionSigner.sign(TestBlocks.NETWORK,
                    List.of(new TransactionSigner.Spend(pooled.id(), pooled.outputs().size(), key)),
                    List.of(new TxOutput(TestBlocks.address(key), 1000)));

            try (RawPeer peer = RawPeer.handshaken(port, "127.0.0.51", "0000000000000051")) {
                peer.send(new PushTransactionMessage(List.of(late, orphan, noSuchOutput)));
                peer.roundTrip(); // still connected: losing a race is honest
                assertThat(node.getBean(Mempool.class).find(late.id())).isEmpty();
                assertThat(TestNetwork.count(node, "tallynet.orphans", "outcome", "held") - held)
                        .as("the orphan only, not the payment the block outran nor the spend of no output").isEqualTo(1);

                // both verdicts hold until the chain changes: pushed again, they are dropped unchecked
                double dropped = recentlyRejected(node);
                peer.send(new PushTransactionMessage(List.of(late, noSuchOutput)));
                peer.roundTrip();
                assertThat(recentlyRejected(node) - dropped).isEqualTo(2);
            }
            assertThat(TestNetwork.count(node, "tallynet.orphans", "outcome", "held") - held).isEqualTo(1);
            assertThat(TestNetwork.count(node, "tallynet.frames.rejected", "reason", "unknown_input")).isZero();
        }
    }

    private static double recentlyRejected(ConfigurableApplicationContext node) {
        return TestNetwork.count(node, "tallynet.transactions.dropped", "reason", TransactionDrop.RECENTLY_REJECTED.label());
    }
}
