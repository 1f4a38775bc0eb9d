package net.tallynet.node.ledger;

import static net.tallynet.node.TestBlocks.NETWORK;
import static net.tallynet.node.TestBlocks.PARAMS;
import static net.tallynet.node.TestBlocks.block;
import static net.tallynet.node.TestBlocks.pay;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import net.tallynet.node.chain.Admitted;
import net.tallynet.node.chain.Chain;
import net.tallynet.node.chain.ChainStoreTest;
import net.tallynet.node.mempool.Mempool;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.BlockValidator;
import net.tallynet.protocol.ledger.CanonicalEncoding;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import net.tallynet.protocol.ledger.SignatureChecker;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TransactionValidator;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.ledger.ValidationReason;
import org.junit.jupiter.api.Test;

/**
 * The block validator and the mempool share one signature checker, as the node wires them: nothing is verified twice;
 * and a pooled transaction in a block is not hashed again, nor its keys and signatures checked again, while every
 * rule that depends on the block still applies to it.
 */
class AdmittedTransactionsTest extends ChainStoreTest {
    private final byte[] alice = Ed25519Keys.newSecretKey();
    private final byte[] bob = Ed25519Keys.newSecretKey();
    private final byte[] carol = Ed25519Keys.newSecretKey();

    @Test
    void aBlockOfAdmittedPaymentsVerifiesNoSignatureAndAColdOneVerifiesItsOwn() throws Exception {
        try (SignatureChecker signatures = new SignatureChecker(NETWORK, 2, 1000)) {
            Funded chain = funded(sharing(signatures));
            Ledger ledger = chain.ledger();
            Block c2 = chain.c2();
            Pooled pooled = poolTwoPayments(chain);
            Transaction paid = pooled.paid();
            Transaction passedOn = pooled.passedOn();
            assertThat(signatures.verifications()).isEqualTo(2);

            Block c3 = block(c2, bob, List.of(paid, passedOn));
            Admitted admitted = ledger.mempool().admitted(c3.transactions());
            assertThat(admitted.of(paid)).as("kept since admission").isEqualTo(store.encode(paid));
            assertThat(admitted.of(passedOn)).isEqualTo(store.encode(passedOn));
            assertThat(ledger.acceptBlock(c3).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
            assertThat(signatures.verifications()).as("none again for the block").isEqualTo(2);
            assertThat(ledger.mempool().size()).isZero();
            // its frame, written with the payments' encodings copied from the pool (FrameCodecTest shows the copy is
            // what is written), is the block written whole
            assertThat(store.frame(c3.hash())).hasValue(store.encode(c3));

            Transaction cold = pay(c2.transactions().getFirst(), alice, bob, 7);
            assertThat(ledger.acceptBlock(block(c3, bob, List.of(cold))).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
            assertThat(signatures.verifications()).as("the one never admitted").isEqualTo(3);
        }
    }

    /**
     * With no signature cache at all, a block verifies its pooled instances' signatures no more (their admission
     * did), and an equal copy of a pooled transaction, which is not that instance, is verified.
     */
    @Test
    void withoutACacheAPooledInstanceIsNotVerifiedAgainAndAnEqualCopyIs() throws Exception {
        try (SignatureChecker signatures = new SignatureChecker(NETWORK, 1, 0)) {
            Funded chain = funded(sharing(signatures));
            Ledger ledger = chain.ledger();
            Block c2 = chain.c2();
            Pooled pooled = poolTwoPayments(chain);
            Transaction paid = pooled.paid();
            Transaction passedOn = pooled.passedOn();
            assertThat(signatures.verifications()).isEqualTo(2);

            Transaction copy = new Transaction(passedOn.id(), passedOn.inputs(), passedOn.outputs());
            Block c3 = block(c2, bob, List.of(paid, copy));
            assertThat(ledger.mempool().admitted(c3.transactions()).checkedSizes()[2]).isEqualTo(-1);
            assertThat(ledger.acceptBlock(c3).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
            assertThat(signatures.verifications()).as("the copy's one input; none for the pooled instance").isEqualTo(3);
        }
    }

    /**
     * A block rebuilt from the pool carries the pooled instances, whose ids the pool computed: those are not hashed
     * again. A copy claiming a pooled transaction's id is not that instance, so its id is checked, and a forged one
     * is refused for it.
     */
    @Test
    void onlyThePooledInstanceSkipsTheIdCheckAndAForgedCopyIsRefused() throws Exception {
        Funded chain = funded();
        Ledger ledger = chain.ledger();
        Transaction paid = pay(chain.c1().transactions().getFirst(), alice, carol, 10_000);
        ledger.acceptTransaction(paid, "a peer");

        Transaction equalCopy = new Transaction(paid.id(), paid.inputs(), paid.outputs());
        Admitted admitted = ledger.mempool().admitted(List.of(paid, equalCopy));
        assertThat(admitted.checkedSizes()).containsExactly(CanonicalEncoding.transaction(paid, true).length, -1);
        assertThat(admitted.of(paid)).isEqualTo(store.encode(paid));
        assertThat(admitted.of(equalCopy)).isNull();

        TxInput input = paid.inputs().getFirst();
        String signature = input.signature();
        Transaction forged = new Transaction(paid.id(), List.of(new TxInput(input.txId(), input.index(), input.publicKey(),
                signature.substring(0, signature.length() - 2) + (signature.endsWith("00") ? "01" : "00"))), paid.outputs());
        assertThatThrownBy(() -> ledger.acceptBlock(block(chain.c2(), bob, List.of(forged))))
                .isInstanceOfSatisfying(InvalidLedgerObjectException.class,
                        e -> assertThat(e.reason()).isEqualTo(ValidationReason.BAD_TRANSACTION_ID));
        assertThat(ledger.acceptBlock(block(chain.c2(), bob, List.of(paid))).outcome()).isEqualTo(Chain.Outcome.CONNECTED);
    }

    /**
     * What lets a block skip a pooled instance's keys ({@code BlockValidator.connectChecked}), as it skips its
     * signatures (verified on admission, above): admission checked each key against the address of the output it
     * spends. A spend by another key is never pooled, and a block carrying it is refused for it.
     */
    @Test
    void admissionChecksAKeyAgainstItsAddressAndABlockChecksOneNotAdmitted() throws Exception {
        Funded chain = funded();
        Ledger ledger = chain.ledger();
        Transaction theft = pay(chain.c1().transactions().getFirst(), bob, carol, 10_000); // alice's output, bob's key

        assertThatThrownBy(() -> ledger.acceptTransaction(theft, "a peer"))
                .isInstanceOfSatisfying(InvalidLedgerObjectException.class,
                        e -> assertThat(e.reason()).isEqualTo(ValidationReason.KEY_ADDRESS_MISMATCH));
        assertThat(ledger.mempool().admitted(List.of(theft)).checkedSizes()).containsExactly(-1);
        assertThatThrownBy(() -> ledger.acceptBlock(block(chain.c2(), bob, List.of(theft))))
                .isInstanceOfSatisfying(InvalidLedgerObjectException.class,
                        e -> assertThat(e.reason()).isEqualTo(ValidationReason.KEY_ADDRESS_MISMATCH));
        assertThat(ledger.chain().tip().hash()).isEqualTo(chain.c2().hash());
    }

    /**
     * A pooled instance skips only what admission checked: the rules that depend on the block it is in still apply
     * to it. Here a payment that was never pooled spends the same output first, so the pooled one, though
     * admitted, is a double spend in this block.
     */
    @Test
    void aPooledInstanceIsStillCheckedAgainstTheBlockItIsIn() throws Exception {
        Funded chain = funded();
        Ledger ledger = chain.ledger();
        Transaction paid = pay(chain.c1().transactions().getFirst(), alice, carol, 10_000);
        ledger.acceptTransaction(paid, "a peer");
        Transaction other = pay(chain.c1().transactions().getFirst(), alice, bob, 20_000); // the same output, never pooled

        Block both = block(chain.c2(), bob, List.of(other, paid));
        int[] checkedSizes = ledger.mempool().admitted(both.transactions()).checkedSizes();
        assertThat(checkedSizes[1]).as("other is not pooled").isEqualTo(-1);
        assertThat(checkedSizes[2]).as("paid is the pooled instance").isPositive();
        assertThatThrownBy(() -> ledger.acceptBlock(both))
                .isInstanceOfSatisfying(InvalidLedgerObjectException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ValidationReason.DOUBLE_SPEND);
                    assertThat(e.getMessage()).contains("spent twice in this block");
                });
        assertThat(ledger.chain().tip().hash()).isEqualTo(chain.c2().hash());
        assertThat(ledger.mempool().size()).isEqualTo(1);
    }

    /** A ledger over the store whose block validator and mempool share {@code signatures}, as the node's do. */
    private Ledger sharing(SignatureChecker signatures) {
        return new Ledger(new Chain(store, new BlockValidator(PARAMS, Clock.systemUTC(), signatures), PARAMS, "devnet",
                1000), new Mempool(store, new TransactionValidator(PARAMS, signatures), LedgerOverStore.ROOMY),
                new SimpleMeterRegistry());
    }

    /** A ledger over the store whose chain is two blocks paying alice; block 1's coinbase is spendable. */
    private Funded funded() throws InvalidLedgerObjectException {
        return funded(LedgerOverStore.of(store, 1000, LedgerOverStore.ROOMY, new SimpleMeterRegistry()));
    }

    /** {@code ledger} with two blocks paying alice accepted; block 1's coinbase is spendable. */
    private Funded funded(Ledger ledger) throws InvalidLedgerObjectException {
        Block c1 = block(Genesis.of("devnet"), alice, List.of());
        Block c2 = block(c1, alice, List.of());
        ledger.acceptBlock(c1);
        ledger.acceptBlock(c2);
        return new Funded(ledger, c1, c2);
    }

    /** Block 1's coinbase paid by alice to carol, then passed on by carol to bob, both admitted to the pool. */
    private Pooled poolTwoPayments(Funded chain) throws Exception {
        Transaction paid = pay(chain.c1().transactions().getFirst(), alice, carol, 10_000);
        Transaction passedOn = pay(paid, carol, bob, 400);
        chain.ledger().acceptTransaction(paid, "a peer");
        chain.ledger().acceptTransaction(passedOn, "a peer");
        return new Pooled(paid, passedOn);
    }

    private record Funded(Ledger ledger, Block c1, Block c2) {
    }

    private record Pooled(Transaction paid, Transaction passedOn) {
    }
}
