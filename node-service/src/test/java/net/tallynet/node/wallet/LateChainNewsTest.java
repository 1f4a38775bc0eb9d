package net.tallynet.node.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import net.tallynet.node.TestBlocks;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.mining.Miner;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The ledger tells its listeners of a chain move after letting go of the chain, so moves made on two threads (the
 * miner, {@code generate}, a peer's block) reach {@link LocalTransactions} in either order. A payment told of late,
 * after the block that carries it, and a reorganisation told of late, after the move back to the branch that carries
 * the payment, each left a payment taken as pending while the best chain carried it: its row was then kept until a
 * restart, however deep its block. Here each news is told late by hand, and the row is still forgotten once the block
 * is {@value LocalTransactions#FORGET_DEPTH} deep.
 */
class LateChainNewsTest {
    @TempDir
    Path dir;

    @Test
    void paymentsToldOfLateAreStillForgottenOnceBuried() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext node = network.node("payer", "--tallynet.peers.max-outbound=0");
            Miner miner = node.getBean(Miner.class);
            Wallet wallet = node.getBean(Wallet.class);
            Ledger ledger = node.getBean(Ledger.class);
            LocalTransactions local = node.getBean(LocalTransactions.class);
            LocalTransactionRepository rows = node.getBean(LocalTransactionRepository.class);
            miner.generate(2, null);

            // a reorganisation told late: the block carrying the payment is said to have left, while it is still there
            Transaction reorganised = wallet.pay(TestBlocks.address(Ed25519Keys.newSecretKey()), 1_000, 100);
            ledger.acceptTransaction(reorganised);
            Block carrier = node.getBean(ChainStore.class).block(miner.generate(1, null).getLast()).orElseThrow();
            assertThat(carrier.transactions()).extracting(Transaction::id).contains(reorganised.id());
            local.reorganised(List.of(carrier), List.of());

            // a payment told late: the ledger's own news of it (source null: the node's API) comes after its block's
            Transaction late = wallet.pay(TestBlocks.address(Ed25519Keys.newSecretKey()), 1_000, 100);
            ledger.acceptTransaction(late, "a peer's thread"); // not the API's: LocalTransactions keeps none
            miner.generate(1, null);
            assertThat(rows.existsById(late.id())).isFalse();
            local.transactionAdded(late, null);
            assertThat(rows.existsById(late.id())).as("stored, as any payment of the API").isTrue();

            miner.generate(LocalTransactions.FORGET_DEPTH, null);
            assertThat(rows.existsById(reorganised.id())).as("the reorganised payment's row").isFalse();
            assertThat(rows.existsById(late.id())).as("the late payment's row").isFalse();
        }
    }
}
