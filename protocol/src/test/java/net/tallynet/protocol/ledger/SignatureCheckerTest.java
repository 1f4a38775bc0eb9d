package net.tallynet.protocol.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.TransactionSigner.Spend;
import org.junit.jupiter.api.Test;

/** Signature checks of blocks on several threads, and transactions admitted once not verified again. */
class SignatureCheckerTest {
    private static final String NETWORK = Genesis.networkId("devnet");
    private final byte[] alice = Ed25519Keys.newSecretKey();
    private final String bob = Ed25519Keys.address(Ed25519Keys.publicKey(Ed25519Keys.newSecretKey()));

    @Test
    void aBlockOfValidTransactionsPassesOnEveryThreadCount() throws Exception {
        List<Transaction> block = payments(60);
        for (int threads : new int[] {1, 2, 4}) {
            try (SignatureChecker checker = new SignatureChecker(NETWORK, threads, 0)) {
                checker.verifyAll(block);
                assertThat(checker.verifications()).as("%d threads", threads).isEqualTo(60);
            }
        }
    }

    @Test
    void theFirstBadTransactionInTheBlocksOrderIsReportedWhicheverThreadFindsIt() {
        List<Transaction> block = payments(60);
        Transaction firstBad = forged(block.get(21));
        block.set(21, firstBad);
        block.set(50, forged(block.get(50)));
        for (int threads : new int[] {1, 2, 3, 4}) {
            try (SignatureChecker checker = new SignatureChecker(NETWORK, threads, 0)) {
                assertThatThrownBy(() -> checker.verifyAll(block)).as("%d threads", threads)
                        .isInstanceOfSatisfying(InvalidLedgerObjectException.class, e -> {
                            assertThat(e.reason()).isEqualTo(ValidationReason.BAD_SIGNATURE);
                            assertThat(e.getMessage()).contains(firstBad.inputs().getFirst().txId());
                        });
            }
        }
    }

    @Test
    void transactionsVerifiedAtAdmissionAreNotVerifiedAgainInABlock() throws Exception {
        List<Transaction> block = payments(40);
        try (SignatureChecker checker = new SignatureChecker(NETWORK, 2, 100)) {
            for (Transaction tx : block.subList(0, 30)) {
                checker.verify(tx);
            }
            assertThat(checker.verifications()).isEqualTo(30);
            checker.verifyAll(block);
            assertThat(checker.verifications()).as("only the 10 never admitted").isEqualTo(40);
        }
    }

    @Test
    void transactionsWithCheckedIdsAreLookedUpByThoseIds() throws Exception {
        List<Transaction> block = payments(40);
        try (SignatureChecker checker = new SignatureChecker(NETWORK, 2, 100)) {
            for (Transaction tx : block.subList(0, 30)) {
                checker.verify(tx);
            }
            checker.verifyAllWithCheckedIds(block);
            assertThat(checker.verifications()).as("only the 10 never admitted").isEqualTo(40);
            List<Transaction> withBad = new ArrayList<>(block.subList(30, 40));
            withBad.set(4, forged(withBad.get(4))); // not admitted: verified, and refused
            assertThatThrownBy(() -> checker.verifyAllWithCheckedIds(withBad)).isInstanceOf(InvalidLedgerObjectException.class);
        }
    }

    @Test
    void theCacheIsKeyedByTheComputedIdNotTheClaimedOne() throws Exception {
        Transaction good = payments(1).getFirst();
        // same claimed id, other signature: must be verified, and fails
        Transaction forged = forged(good);
        assertThat(forged.id()).isEqualTo(good.id());
        try (SignatureChecker checker = new SignatureChecker(NETWORK, 1, 100)) {
            checker.verify(good);
            assertThatThrownBy(() -> checker.verify(forged)).isInstanceOf(InvalidLedgerObjectException.class);
            assertThatThrownBy(() -> checker.verifyAll(List.of(forged))).isInstanceOf(InvalidLedgerObjectException.class);
        }
    }

    @Test
    void theCacheIsBounded() throws Exception {
        List<Transaction> admitted = payments(20);
        try (SignatureChecker checker = new SignatureChecker(NETWORK, 1, 5)) {
            for (Transaction tx : admitted) {
                checker.verify(tx);
            }
            checker.verifyAll(admitted);
            // the 5 most recent were remembered; the 15 before them were verified again
            assertThat(checker.verifications()).isEqualTo(20 + 15);
        }
    }

    /** Payments from distinct (made-up) outputs: signatures are all that is checked here. */
    private List<Transaction> payments(int count) {
        List<Transaction> payments = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            payments.add(TransactionSigner.sign(NETWORK, List.of(new Spend("%064x".formatted(i + 1), 0, alice)),
                    List.of(new TxOutput(bob, 1_000 + i))));
        }
        return payments;
    }

    /** The same transaction (and claimed id) with its signature's last byte changed. */
    static Transaction forged(Transaction tx) {
        TxInput input = tx.inputs().getFirst();
        String signature = input.signature();
        String last = signature.substring(signature.length() - 2);
        String changed = signature.substring(0, signature.length() - 2) + (last.equals("00") ? "01" : "00");
        return new Transaction(tx.id(), List.of(new TxInput(input.txId(), input.index(), input.publicKey(), changed)),
                tx.outputs());
    }
}
