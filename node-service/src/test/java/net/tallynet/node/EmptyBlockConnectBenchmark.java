package net.tallynet.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@value #BLOCKS} coinbase-only blocks connected one by one to a fresh node (H2 in file mode, the block
 * journal): what a block costs the node beside its transactions' checks (its frame journaled, its row, the
 * tip's move, the transaction index, the coins cache), which bounds a sync of empty blocks once the JIT is
 * warm. Baseline in the same run: the same rows with plain JDBC, a commit per block. Run with {@code
 * ./tallynet bench-connect} ({@link BlockConnectBenchmark#run}); more iterations than there, each is short.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 6)
@Measurement(iterations = 10)
@Fork(1)
public class EmptyBlockConnectBenchmark {
    static final int BLOCKS = 1_000;
    private static final List<Block> CHAIN = TestBlocks.emptyChain(Ed25519Keys.newSecretKey(), BLOCKS);

    private ConfigurableApplicationContext node;
    private Ledger ledger;
    private Connection jdbc;

    @Setup(Level.Iteration)
    public void freshNode() throws Exception {
        Path dataDir = Files.createTempDirectory("tallynet-bench");
        node = BlockConnectBenchmark.startNode(dataDir);
        ledger = node.getBean(Ledger.class);
        jdbc = BlockConnectBenchmark.baselineDatabase(dataDir);
    }

    @TearDown(Level.Iteration)
    public void close() throws Exception {
        jdbc.close();
        node.close();
    }

    @Benchmark
    public long connectEmptyBlocks() throws InvalidLedgerObjectException {
        return TestBlocks.connectAll(ledger, CHAIN);
    }

    @Benchmark
    public int baselineJdbcEmptyBlocks() throws Exception {
        return BlockConnectBenchmark.insertRows(jdbc, CHAIN);
    }
}
