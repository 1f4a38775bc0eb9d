package net.tallynet.benchmarks;

import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import net.tallynet.protocol.crypto.Hashes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading a 64-digit id as bytes, as a block's connect does per transaction (merkle root) and per spent output
 * (undo data): {@link Hashes#fromHex} beside the JDK's {@link HexFormat#parseHex} (the baseline), with the full JIT
 * and with C1 alone (the devnet's relaying nodes), each in a fork of its own. Run: {@code ./tallynet bench Hex}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HexBenchmark {
    private static final HexFormat HEX = HexFormat.of();
    private final String id = Hashes.hex(Hashes.sha256d(new byte[] {1, 2, 3}));

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-XX:TieredStopAtLevel=4")
    public byte[] baselineHexFormatFullJit() {
        return HEX.parseHex(id);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-XX:TieredStopAtLevel=4")
    public byte[] fromHexFullJit() {
        return Hashes.fromHex(id);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-XX:TieredStopAtLevel=1")
    public byte[] baselineHexFormatC1() {
        return HEX.parseHex(id);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-XX:TieredStopAtLevel=1")
    public byte[] fromHexC1() {
        return Hashes.fromHex(id);
    }
}
