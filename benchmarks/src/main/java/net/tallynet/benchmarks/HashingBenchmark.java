package net.tallynet.benchmarks;

import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import net.tallynet.protocol.crypto.Hashes;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.CanonicalEncoding;
import net.tallynet.protocol.ledger.NonceSearch;
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
 * Block header hashing, what proof of work spends its time on: {@link Hashes#sha256d} of the 120-byte
 * header, a full {@link Block#withNonce} step and a {@link NonceSearch} step (what the miner runs),
 * beside one bare {@link MessageDigest} SHA-256 of the same bytes as the baseline. Run: {@code ./tallynet bench Hashing}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HashingBenchmark {
    private final MessageDigest digest = Hashes.newSha256();
    private Block block;
    private byte[] header;
    private long nonce;
    private NonceSearch search;

    @Setup
    public void setUp() {
        block = SampleFrames.block(1);
        header = CanonicalEncoding.header(block);
        // a target no hash meets, so every call is one full try
        search = new NonceSearch(new Block(block.number(), block.hash(), block.previousHash(), block.merkleRoot(),
                block.time(), "0".repeat(64), block.nonce(), block.transactions()));
    }

    @Benchmark
    public byte[] baselineSingleSha256() {
        digest.reset();
        return digest.digest(header);
    }

    @Benchmark
    public byte[] sha256dHeader() {
        return Hashes.sha256d(header);
    }

    @Benchmark
    public Block nextNonceWithHash() {
        return block.withNonce(nonce++);
    }

    @Benchmark
    public Block nonceSearchStep() {
        return search.tryNonces(1);
    }
}
