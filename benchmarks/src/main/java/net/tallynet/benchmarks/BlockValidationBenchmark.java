package net.tallynet.benchmarks;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.crypto.Hashes;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.BlockValidator;
import net.tallynet.protocol.ledger.ChainParams;
import net.tallynet.protocol.ledger.Genesis;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import net.tallynet.protocol.ledger.NonceSearch;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TransactionSigner;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.ledger.TxOutput;
import net.tallynet.protocol.ledger.Utxo;
import net.tallynet.protocol.ledger.UtxoChanges;
import net.tallynet.protocol.ledger.UtxoView;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Validating a block of 1,000 transactions (the coinbase and 999 signed payments) against an
 * in-memory view of unspent outputs: every stateless and contextual rule, every signature. The
 * baseline is the bare verification of the same 999 signatures in the same run, so the ratio shows
 * what the rules cost beyond cryptography. Blocks/s x 1000 = tx/s. Run: {@code ./tallynet bench BlockValidation}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BlockValidationBenchmark {
    private static final String NETWORK = Genesis.networkId("devnet");
    private static final int PAYMENTS = 999;

    private final ChainParams params = ChainParams.easy();
    private final BlockValidator validator = new BlockValidator(params, NETWORK, Clock.systemUTC());
    private final Map<String, Utxo> utxos = new HashMap<>();
    private final UtxoView view = (txId, index) -> Optional.ofNullable(utxos.get(txId + ":" + index));
    private Block block;
    private final List<byte[]> publicKeys = new ArrayList<>();
    private final List<byte[]> digests = new ArrayList<>();
    private final List<byte[]> signatures = new ArrayList<>();

    @Setup
    public void setUp() throws InvalidLedgerObjectException {
        List<Transaction> transactions = new ArrayList<>();
        long number = 100;
        transactions.add(Transaction.of(List.of(TxInput.coinbase(number)),
                List.of(new TxOutput("00".repeat(20), params.rewardAt(number) + PAYMENTS))));
        for (int i = 0; i < PAYMENTS; i++) {
            byte[] secret = Ed25519Keys.newSecretKey();
            String owner = Ed25519Keys.address(Ed25519Keys.publicKey(secret));
            String fundingTx = Hashes.hex(Hashes.sha256d(new byte[] {(byte) i, (byte) (i >> 8)}));
            utxos.put(fundingTx + ":0", new Utxo(fundingTx, 0, owner, 1_000_000, 1, false));
            Transaction payment = TransactionSigner.sign(NETWORK, List.of(new TransactionSigner.Spend(fundingTx, 0, secret)),
                    List.of(new TxOutput(owner, 600_000), new TxOutput("11".repeat(20), 399_999)));
            transactions.add(payment);
            TxInput input = payment.inputs().getFirst();
            publicKeys.add(Hashes.fromHex(input.publicKey()));
            digests.add(TransactionSigner.digest(NETWORK, payment.inputs(), payment.outputs()));
            signatures.add(Hashes.fromHex(input.signature()));
        }
        Block candidate = Block.of(number, Genesis.ZERO_HASH, Genesis.TIME + 1000, params.initialTarget(), 0, transactions);
        candidate = NonceSearch.solve(candidate);
        block = candidate;
        if (validateBlock().created().size() != 1 + 2 * PAYMENTS) {
            throw new IllegalStateException("sample block does not validate as expected");
        }
    }

    @Benchmark
    public UtxoChanges validateBlock() throws InvalidLedgerObjectException {
        validator.checkStateless(block);
        return validator.connect(block, view);
    }

    @Benchmark
    public int baselineVerifySignatures() {
        int valid = 0;
        for (int i = 0; i < PAYMENTS; i++) {
            if (Ed25519Keys.verify(publicKeys.get(i), digests.get(i), signatures.get(i))) {
                valid++;
            }
        }
        return valid;
    }
}
