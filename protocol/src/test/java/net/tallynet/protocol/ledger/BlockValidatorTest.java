package net.tallynet.protocol.ledger;

import static net.tallynet.protocol.ledger.LedgerFixture.NETWORK;
import static net.tallynet.protocol.ledger.LedgerFixture.PARAMS;
import static net.tallynet.protocol.ledger.LedgerFixture.T0;
import static net.tallynet.protocol.ledger.LedgerFixture.address;
import static net.tallynet.protocol.ledger.LedgerFixture.mine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import net.tallynet.protocol.Limits;
import net.tallynet.protocol.crypto.Hashes;
import net.tallynet.protocol.ledger.TransactionSigner.Spend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BlockValidatorTest {
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(T0 + 3_600_000), ZoneOffset.UTC);
    private final BlockValidator validator = new BlockValidator(PARAMS, NETWORK, clock);
    private LedgerFixture f;
    private Transaction firstCoinbase;

    @BeforeEach
    void chainWithMaturedCoinbase() throws Exception {
        f = new LedgerFixture();
        f.grow(3, validator); // blocks 1..3; block 1's coinbase (to alice) matures at block 3 (maturity 2)
        firstCoinbase = f.chain.get(1).transactions().getFirst();
    }

    private Transaction payBob(long amount, long change) {
        return TransactionSigner.sign(NETWORK, List.of(new Spend(firstCoinbase.id(), 0, f.alice)),
                List.of(new TxOutput(address(f.bob), amount), new TxOutput(address(f.alice), change)));
    }

    private ValidationReason reasonOf(ThrowingRunnable check) {
        try {
            check.run();
        } catch (InvalidLedgerObjectException e) {
            return e.reason();
        }
        throw new AssertionError("no rule refused it");
    }

    private interface ThrowingRunnable {
        void run() throws InvalidLedgerObjectException;
    }

    private ValidationReason connectReason(Block block) {
        return reasonOf(() -> f.connect(block, validator));
    }

    @Test
    void spendingAMaturedCoinbaseConnectsAndYieldsUndoData() throws Exception {
        Transaction payment = payBob(1_000_000_000L, 3_999_000_000L); // fee 1,000,000
        UtxoChanges changes = f.connect(f.next(List.of(payment), 1_000_000), validator);

        assertThat(changes.fees()).isEqualTo(1_000_000);
        assertThat(changes.spent()).extracting(Utxo::txId).containsExactly(firstCoinbase.id());
        assertThat(changes.created()).extracting(Utxo::address)
                .containsExactly(address(f.bob), address(f.alice), address(f.alice));
        assertThat(f.utxos.find(firstCoinbase.id(), 0)).isEmpty();
        assertThat(f.utxos.find(payment.id(), 0)).hasValueSatisfying(u -> assertThat(u.amount()).isEqualTo(1_000_000_000L));
    }

    @Test
    void outputCreatedEarlierInTheBlockCanBeSpentLaterInIt() throws Exception {
        Transaction payment = payBob(1_000_000_000L, 4_000_000_000L);
        Transaction onward = TransactionSigner.sign(NETWORK, List.of(new Spend(payment.id(), 0, f.bob)),
                List.of(new TxOutput(address(f.alice), 1_000_000_000L)));
        UtxoChanges changes = f.connect(f.next(List.of(payment, onward), 0), validator);
        // payment's first output never reaches the chain: created and spent inside the block
        assertThat(changes.created()).noneMatch(u -> u.txId().equals(payment.id()) && u.index() == 0);
        assertThat(changes.spent()).hasSize(1);
    }

    @Test
    void rejectsBlockWhoseHashFieldIsNotItsHash() {
        Block good = f.next(List.of(), 0);
        Block forged = new Block(good.number(), "00".repeat(32), good.previousHash(), good.merkleRoot(), good.time(),
                good.target(), good.nonce(), good.transactions());
        assertThat(connectReason(forged)).isEqualTo(ValidationReason.BAD_BLOCK_HASH);
    }

    @Test
    void rejectsHashAboveTarget() {
        Block good = f.next(List.of(), 0);
        String hard = "0000000000000000000000000000000000000000000000000000000000000001";
        Block unworked = Block.of(good.number(), good.previousHash(), good.time(), hard, 0, good.transactions());
        assertThat(connectReason(unworked)).isEqualTo(ValidationReason.BAD_PROOF_OF_WORK);
    }

    @Test
    void rejectsTargetOtherThanExpected() {
        Block good = f.next(List.of(), 0);
        Block easier = mine(Block.of(good.number(), good.previousHash(), good.time(), "f".repeat(64), 0, good.transactions()));
        assertThat(connectReason(easier)).isEqualTo(ValidationReason.WRONG_TARGET);
    }

    @Test
    void rejectsBadMerkleRoot() {
        Block good = f.next(List.of(), 0);
        String root = "ab".repeat(32);
        Block bad = mine(new Block(good.number(), CanonicalEncoding.blockHash(good.number(), good.previousHash(), root,
                good.time(), good.target(), 0), good.previousHash(), root, good.time(), good.target(), 0, good.transactions()));
        assertThat(connectReason(bad)).isEqualTo(ValidationReason.BAD_MERKLE_ROOT);
    }

    @Test
    void rejectsTimeTooFarInTheFuture() {
        Block good = f.next(List.of(), 0);
        long future = clock.millis() + PARAMS.maxFutureDrift().toMillis() + 1;
        Block late = mine(Block.of(good.number(), good.previousHash(), future, good.target(), 0, good.transactions()));
        assertThat(connectReason(late)).isEqualTo(ValidationReason.TIME_TOO_FAR_IN_FUTURE);
    }

    @Test
    void rejectsTimeNotAfterTheMedianOfRecentBlocks() {
        Block good = f.next(List.of(), 0);
        Block early = mine(Block.of(good.number(), good.previousHash(), T0 + 1000, good.target(), 0, good.transactions()));
        assertThat(connectReason(early)).isEqualTo(ValidationReason.TIME_NOT_AFTER_MEDIAN);
    }

    @Test
    void rejectsWrongParentAndWrongNumber() {
        Block good = f.next(List.of(), 0);
        Block orphan = mine(Block.of(good.number(), "cd".repeat(32), good.time(), good.target(), 0, good.transactions()));
        assertThat(connectReason(orphan)).isEqualTo(ValidationReason.WRONG_PREVIOUS);
        long skip = good.number() + 1;
        Block skipped = mine(Block.of(skip, good.previousHash(), good.time(), good.target(), 0,
                List.of(f.coinbase(skip, address(f.alice), 1))));
        assertThat(connectReason(skipped)).isEqualTo(ValidationReason.WRONG_NUMBER);
    }

    @Test
    void rejectsBlocksWithoutAProperCoinbase() {
        Block good = f.next(List.of(payBob(1, 1)), 0);
        long n = good.number();
        List<Transaction> noCoinbase = good.transactions().subList(1, 2);
        assertThat(connectReason(mine(Block.of(n, good.previousHash(), good.time(), good.target(), 0, noCoinbase))))
                .isEqualTo(ValidationReason.MISSING_COINBASE);
        Transaction signedCoinbase = Transaction.of(List.of(new TxInput(TxInput.NULL_TX_ID, n, "ab".repeat(32), "cd".repeat(64))),
                good.transactions().getFirst().outputs());
        assertThat(connectReason(mine(Block.of(n, good.previousHash(), good.time(), good.target(), 0,
                List.of(signedCoinbase))))).as("a coinbase with a key and a signature").isEqualTo(ValidationReason.MISSING_COINBASE);
        List<Transaction> twoCoinbases = List.of(good.transactions().getFirst(), f.coinbase(n + 7, address(f.bob), 1));
        assertThat(connectReason(mine(Block.of(n, good.previousHash(), good.time(), good.target(), 0, twoCoinbases))))
                .isEqualTo(ValidationReason.MISPLACED_COINBASE);
        List<Transaction> wrongIndex = List.of(f.coinbase(n + 1, address(f.alice), 1));
        assertThat(connectReason(mine(Block.of(n, good.previousHash(), good.time(), good.target(), 0, wrongIndex))))
                .isEqualTo(ValidationReason.BAD_COINBASE_INDEX);
    }

    @Test
    void rejectsCoinbaseClaimingMoreThanRewardAndFees() {
        Transaction payment = payBob(1_000_000_000L, 3_999_000_000L); // fee 1,000,000
        assertThat(connectReason(f.next(List.of(payment), 1_000_001))).isEqualTo(ValidationReason.WRONG_COINBASE_AMOUNT);
    }

    @Test
    void rejectsDuplicateTransaction() {
        Transaction payment = payBob(1, 1);
        assertThat(connectReason(f.next(List.of(payment, payment), 0))).isEqualTo(ValidationReason.DUPLICATE_TRANSACTION);
    }

    /**
     * A block's signatures are looked up in the verified cache by the ids its transactions claim
     * ({@link SignatureChecker#verifyAllWithCheckedIds}): a copy of an admitted payment with the same claimed id and
     * another signature must be refused before, by its id.
     */
    @Test
    void aForgedCopyOfAnAdmittedTransactionIsRefusedByItsId() throws Exception {
        Transaction payment = payBob(1_000_000_000L, 3_999_000_000L);
        Transaction forged = SignatureCheckerTest.forged(payment);
        try (SignatureChecker shared = new SignatureChecker(NETWORK, 1, 100)) {
            shared.verify(payment); // admitted to the mempool
            BlockValidator sharing = new BlockValidator(PARAMS, clock, shared);
            Block forgedBlock = f.next(List.of(forged), 1_000_000);
            assertThat(reasonOf(() -> f.connect(forgedBlock, sharing))).isEqualTo(ValidationReason.BAD_TRANSACTION_ID);
            // a block connected without that check (read back from a store) has its ids computed for the cache
            assertThat(reasonOf(() -> sharing.connect(forgedBlock, f.utxos))).isEqualTo(ValidationReason.BAD_SIGNATURE);
            f.connect(f.next(List.of(payment), 1_000_000), sharing);
            assertThat(shared.verifications()).as("the payment's admission and the forged copy; none for the payment's block")
                    .isEqualTo(2);
        }
    }

    @Test
    void rejectsTransactionWhoseIdFieldIsNotItsId() {
        Transaction payment = payBob(1, 1);
        Transaction forged = new Transaction("ef".repeat(32), payment.inputs(), payment.outputs());
        assertThat(connectReason(f.next(List.of(forged), 0))).isEqualTo(ValidationReason.BAD_TRANSACTION_ID);
    }

    @Test
    void rejectsOversizedBlock() {
        ChainParams small = new ChainParams(PARAMS.targetBlockTime(), 0, PARAMS.initialTarget(), PARAMS.maxTarget(),
                PARAMS.blockReward(), 0, PARAMS.coinbaseMaturity(), 1000, PARAMS.maxFutureDrift(), PARAMS.medianTimeSpan());
        List<Transaction> many = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            many.add(payBob(1 + i, 1));
        }
        BlockValidator strict = new BlockValidator(small, NETWORK, clock);
        assertThat(reasonOf(() -> strict.checkStateless(f.next(many, 0)))).isEqualTo(ValidationReason.OVERSIZED_BLOCK);
    }

    /**
     * Transactions checked before (the mempool's own instances) skip only their id's hash: their sizes still count
     * against the block's limit, and every other stateless rule still runs.
     */
    @Test
    void checkedTransactionsStillCountTowardsTheSizeAndMeetTheOtherRules() throws Exception {
        Transaction payment = payBob(1, 1);
        Block block = f.next(List.of(payment), 0);
        int size = CanonicalEncoding.transaction(payment, true).length;
        validator.checkStateless(block, new int[] {-1, size});
        assertThat(reasonOf(() -> validator.checkStateless(block, new int[] {-1, PARAMS.maxBlockBytes()})))
                .isEqualTo(ValidationReason.OVERSIZED_BLOCK);
        Transaction twice = TransactionSigner.sign(NETWORK, List.of(new Spend(firstCoinbase.id(), 0, f.alice),
                new Spend(firstCoinbase.id(), 0, f.alice)), List.of(new TxOutput(address(f.bob), 1)));
        assertThat(reasonOf(() -> validator.checkStateless(f.next(List.of(twice), 0),
                new int[] {-1, CanonicalEncoding.transaction(twice, true).length}))).isEqualTo(ValidationReason.DOUBLE_SPEND);
        assertThatThrownBy(() -> validator.checkStateless(block, new int[] {-1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsOutputsSummingPastTheMoneySupply() {
        Transaction overflowing = TransactionSigner.sign(NETWORK, List.of(new Spend(firstCoinbase.id(), 0, f.alice)),
                List.of(new TxOutput(address(f.bob), Limits.MAX_MONEY), new TxOutput(address(f.bob), Limits.MAX_MONEY)));
        assertThat(connectReason(f.next(List.of(overflowing), 0))).isEqualTo(ValidationReason.AMOUNT_OVERFLOW);
    }

    @Test
    void rejectsUnknownAndAlreadySpentInputs() throws Exception {
        Transaction nowhere = TransactionSigner.sign(NETWORK, List.of(new Spend("12".repeat(32), 0, f.alice)),
                List.of(new TxOutput(address(f.bob), 1)));
        assertThat(connectReason(f.next(List.of(nowhere), 0))).isEqualTo(ValidationReason.UNKNOWN_INPUT);

        f.connect(f.next(List.of(payBob(1, 1)), 4_999_999_998L), validator);
        Transaction again = payBob(2, 2);
        assertThat(connectReason(f.next(List.of(again), 0))).isEqualTo(ValidationReason.UNKNOWN_INPUT);
    }

    @Test
    void rejectsDoubleSpendInsideABlockAndInsideATransaction() {
        Transaction first = payBob(1, 1);
        Transaction second = payBob(2, 2);
        assertThat(connectReason(f.next(List.of(first, second), 0))).isEqualTo(ValidationReason.DOUBLE_SPEND);
        Transaction twice = TransactionSigner.sign(NETWORK, List.of(new Spend(firstCoinbase.id(), 0, f.alice),
                new Spend(firstCoinbase.id(), 0, f.alice)), List.of(new TxOutput(address(f.bob), 1)));
        assertThat(connectReason(f.next(List.of(twice), 0))).isEqualTo(ValidationReason.DOUBLE_SPEND);
    }

    @Test
    void rejectsImmatureCoinbaseSpend() {
        Transaction coinbaseOfBlock3 = f.chain.get(3).transactions().getFirst();
        Transaction early = TransactionSigner.sign(NETWORK, List.of(new Spend(coinbaseOfBlock3.id(), 0, f.alice)),
                List.of(new TxOutput(address(f.bob), 1)));
        assertThat(connectReason(f.next(List.of(early), 0))).isEqualTo(ValidationReason.IMMATURE_COINBASE);
    }

    @Test
    void rejectsSpendByAnotherKey() {
        Transaction theft = TransactionSigner.sign(NETWORK, List.of(new Spend(firstCoinbase.id(), 0, f.bob)),
                List.of(new TxOutput(address(f.bob), 1)));
        assertThat(connectReason(f.next(List.of(theft), 0))).isEqualTo(ValidationReason.KEY_ADDRESS_MISMATCH);
    }

    /**
     * What a caller vouches for with a checked size: a mempool admitted that very instance, and admission verifies
     * signatures and checks keys against addresses (AdmittedTransactionsTest in the node). Such an instance is not
     * checked for either again; every other rule still applies to it, and everything applies to the rest.
     */
    @Test
    void aCheckedSizeMarksAnAdmittedInstanceWhoseKeysAndSignaturesAreNotCheckedAgain() throws Exception {
        Transaction theft = TransactionSigner.sign(NETWORK, List.of(new Spend(firstCoinbase.id(), 0, f.bob)),
                List.of(new TxOutput(address(f.bob), 1)));
        Block stolen = f.next(List.of(theft), 0);
        int[] admitted = {-1, CanonicalEncoding.transaction(theft, true).length};
        validator.checkStateless(stolen, admitted);
        assertThat(reasonOf(() -> validator.connectChecked(stolen, f.utxos, new int[] {-1, -1})))
                .isEqualTo(ValidationReason.KEY_ADDRESS_MISMATCH);
        assertThat(reasonOf(() -> validator.connectChecked(stolen, f.utxos, null)))
                .isEqualTo(ValidationReason.KEY_ADDRESS_MISMATCH);
        assertThat(validator.connectChecked(stolen, f.utxos, admitted).spent()).extracting(Utxo::txId)
                .containsExactly(firstCoinbase.id());

        TxInput input = payBob(1, 1).inputs().getFirst();
        byte[] signature = Hashes.fromHex(input.signature());
        signature[5] ^= 1;
        Transaction tampered = Transaction.of(List.of(new TxInput(input.txId(), input.index(), input.publicKey(),
                Hashes.hex(signature))), payBob(1, 1).outputs());
        Block forged = f.next(List.of(tampered), 0);
        int[] forgedAdmitted = {-1, CanonicalEncoding.transaction(tampered, true).length};
        validator.checkStateless(forged, forgedAdmitted);
        assertThat(reasonOf(() -> validator.connectChecked(forged, f.utxos, new int[] {-1, -1})))
                .isEqualTo(ValidationReason.BAD_SIGNATURE);
        assertThat(validator.connectChecked(forged, f.utxos, forgedAdmitted).spent()).hasSize(1);

        Transaction unknownInput = TransactionSigner.sign(NETWORK, List.of(new Spend("ab".repeat(32), 0, f.alice)),
                List.of(new TxOutput(address(f.bob), 1)));
        Block unknown = f.next(List.of(unknownInput), 0);
        assertThat(reasonOf(() -> validator.connectChecked(unknown, f.utxos,
                new int[] {-1, CanonicalEncoding.transaction(unknownInput, true).length})))
                .isEqualTo(ValidationReason.UNKNOWN_INPUT);
    }

    @Test
    void rejectsBadSignatures() {
        Transaction payment = payBob(1, 1);
        TxInput input = payment.inputs().getFirst();
        byte[] signature = Hashes.fromHex(input.signature());
        signature[5] ^= 1;
        Transaction tampered = Transaction.of(List.of(new TxInput(input.txId(), input.index(), input.publicKey(),
                Hashes.hex(signature))), payment.outputs());
        assertThat(connectReason(f.next(List.of(tampered), 0))).isEqualTo(ValidationReason.BAD_SIGNATURE);

        Transaction otherNetwork = TransactionSigner.sign(Genesis.networkId("testnet"),
                List.of(new Spend(firstCoinbase.id(), 0, f.alice)), List.of(new TxOutput(address(f.bob), 1)));
        assertThat(connectReason(f.next(List.of(otherNetwork), 0))).isEqualTo(ValidationReason.BAD_SIGNATURE);

        Transaction changedOutputs = Transaction.of(payment.inputs(), List.of(new TxOutput(address(f.bob), 2)));
        assertThat(connectReason(f.next(List.of(changedOutputs), 0))).isEqualTo(ValidationReason.BAD_SIGNATURE);
    }

    /** Alice's matured coinbase with a tampered signature, then an input nobody ever created. */
    private Transaction badSignatureThenUnknownInput() {
        Transaction signed = TransactionSigner.sign(NETWORK, List.of(new Spend(firstCoinbase.id(), 0, f.alice),
                new Spend("12".repeat(32), 0, f.alice)), List.of(new TxOutput(address(f.bob), 1)));
        TxInput first = signed.inputs().getFirst();
        byte[] signature = Hashes.fromHex(first.signature());
        signature[5] ^= 1;
        return Transaction.of(List.of(new TxInput(first.txId(), first.index(), first.publicKey(), Hashes.hex(signature)),
                signed.inputs().get(1)), signed.outputs());
    }

    @Test
    void everyInputIsLookedUpBeforeAnySignatureIsChecked() {
        // were the first input's signature checked before the second input is looked up, this would be
        // bad_signature: a signature check spent on a transaction a lookup refuses (review item 8)
        Transaction tx = badSignatureThenUnknownInput();
        TransactionValidator mempool = new TransactionValidator(PARAMS, NETWORK);
        assertThat(reasonOf(() -> mempool.check(tx, f.utxos, f.tip().number() + 1)))
                .isEqualTo(ValidationReason.UNKNOWN_INPUT);
        assertThat(connectReason(f.next(List.of(tx), 0))).isEqualTo(ValidationReason.UNKNOWN_INPUT);
    }

    @Test
    void aBlockIsLookedUpToItsLastTransactionBeforeAnySignatureIsChecked() {
        Transaction tampered = badSignatureThenUnknownInput();
        Transaction badSignatureOnly = Transaction.of(List.of(tampered.inputs().getFirst()), tampered.outputs());
        Transaction nowhere = TransactionSigner.sign(NETWORK, List.of(new Spend("34".repeat(32), 0, f.alice)),
                List.of(new TxOutput(address(f.bob), 1)));
        assertThat(connectReason(f.next(List.of(badSignatureOnly, nowhere), 0))).isEqualTo(ValidationReason.UNKNOWN_INPUT);
        assertThat(connectReason(f.next(List.of(badSignatureOnly), 0))).isEqualTo(ValidationReason.BAD_SIGNATURE);
    }

    @Test
    void signaturesAreCheckedApartFromTheRulesThatNeedState() throws Exception {
        TransactionValidator mempool = new TransactionValidator(PARAMS, NETWORK);
        Transaction payment = payBob(1_000, 4_999_998_000L);
        TxInput input = payment.inputs().getFirst();
        byte[] signature = Hashes.fromHex(input.signature());
        signature[5] ^= 1;
        Transaction tampered = Transaction.of(List.of(new TxInput(input.txId(), input.index(), input.publicKey(),
                Hashes.hex(signature))), payment.outputs());
        assertThat(mempool.checkWithoutSignatures(tampered, f.utxos, f.tip().number() + 1)).isEqualTo(1_000);
        assertThat(reasonOf(() -> mempool.verifySignatures(tampered))).isEqualTo(ValidationReason.BAD_SIGNATURE);
        mempool.verifySignatures(payment);
    }

    @Test
    void rejectsOutputsAboveInputs() {
        assertThat(connectReason(f.next(List.of(payBob(5_000_000_000L, 1)), 0)))
                .isEqualTo(ValidationReason.OUTPUTS_EXCEED_INPUTS);
    }

    @Test
    void rejectedBlockLeavesTheUnspentOutputsUntouched() {
        int before = f.utxos.byOutpoint.size();
        connectReason(f.next(List.of(payBob(1, 1), payBob(5_000_000_000L, 1)), 0));
        assertThat(f.utxos.byOutpoint).hasSize(before).containsKey(firstCoinbase.id() + ":0");
    }

    @Test
    void mempoolCheckReturnsTheFeeAndRefusesCoinbases() throws Exception {
        TransactionValidator mempool = new TransactionValidator(PARAMS, NETWORK);
        assertThat(mempool.check(payBob(1_000, 4_999_998_000L), f.utxos, f.tip().number() + 1)).isEqualTo(1_000);
        assertThat(reasonOf(() -> mempool.check(f.coinbase(9, address(f.bob), 1), f.utxos, 9)))
                .isEqualTo(ValidationReason.MISPLACED_COINBASE);
        assertThat(reasonOf(() -> mempool.check(payBob(5_000_000_000L, 1), f.utxos, f.tip().number() + 1)))
                .isEqualTo(ValidationReason.OUTPUTS_EXCEED_INPUTS);
    }

    @Test
    void everyReasonIsCoveredByATestAbove() {
        // a reminder with teeth: adding a reason without a test here fails this count. FEE_TOO_LOW is the
        // mempool's policy, not a block rule: ReorganisationMempoolTest in the node covers it
        assertThat(ValidationReason.values()).hasSize(25);
    }
}
