package net.tallynet.benchmarks;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.tallynet.protocol.codec.DecodeResult;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.codec.TransactionEncodings;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.message.BlockMessage;
import net.tallynet.protocol.message.Message;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Frames/s of the strict codec for a HELLO and for a BLOCK of 1,000 transactions, beside plain
 * Jackson tree parsing and writing of the same bytes (the baseline: what any JSON handling costs).
 * {@code encodeKnownTransactions} writes the block as a node writes one rebuilt from its mempool,
 * copying every transaction's encoding kept since its admission.
 * Run: {@code ./tallynet bench FrameCodec}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FrameCodecBenchmark {

    @Param({"HELLO", "BLOCK_1000"})
    public String frame;

    private final FrameCodec codec = new FrameCodec();
    private final JsonMapper jackson = JsonMapper.builder().build();
    private Message message;
    private byte[] bytes;
    private JsonNode tree;
    private TransactionEncodings known = TransactionEncodings.NONE;

    @Setup
    public void setUp() {
        message = switch (frame) {
            case "HELLO" -> SampleFrames.hello();
            case "BLOCK_1000" -> new BlockMessage(SampleFrames.block(1000));
            default -> throw new IllegalArgumentException(frame);
        };
        bytes = codec.encodeToBytes(message);
        if (message instanceof BlockMessage block) {
            Map<Transaction, byte[]> encodings = new IdentityHashMap<>();
            block.block().transactions().forEach(tx -> encodings.put(tx, codec.encodeTransaction(tx)));
            known = encodings::get;
            if (!Arrays.equals(codec.encodeToBytes(message, known), bytes)) {
                throw new IllegalStateException("copied encodings give another frame");
            }
        }
        tree = jackson.readTree(bytes);
        if (!(codec.decode(bytes) instanceof DecodeResult.Decoded)) {
            throw new IllegalStateException("sample frame does not decode");
        }
        System.out.printf("%n%s frame: %,d bytes%n", frame, bytes.length);
    }

    @Benchmark
    public DecodeResult decode() {
        return codec.decode(bytes);
    }

    @Benchmark
    public byte[] encode() {
        return codec.encodeToBytes(message);
    }

    @Benchmark
    public byte[] encodeKnownTransactions() {
        return codec.encodeToBytes(message, known);
    }

    @Benchmark
    public JsonNode baselineJacksonReadTree() {
        return jackson.readTree(bytes);
    }

    @Benchmark
    public byte[] baselineJacksonWriteTree() {
        return jackson.writeValueAsBytes(tree);
    }
}
