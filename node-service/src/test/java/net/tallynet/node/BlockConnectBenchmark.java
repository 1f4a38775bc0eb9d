package net.tallynet.node;


import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.InvalidLedgerObjectException;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.message.BlockMessage;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Block connect (validate and store) on H2 in file mode, the way the node does it, for blocks of
 * 1,000 transactions: each invocation connects 10 such blocks to a fresh node. The baseline writes
 * the same rows (block, transaction index, spent and created outputs, undo data) with plain JDBC
 * batches to a fresh H2 file in the same run. {@link EmptyBlockConnectBenchmark} does the same for
 * coinbase-only blocks. Not part of the test command; run both with {@code ./tallynet bench-connect}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class BlockConnectBenchmark {
    static final int BLOCKS = 10;
    static final int PAYMENTS = 999;

    private Path dataDir;
    private ConfigurableApplicationContext node;
    private Ledger ledger;
    private List<Block> blocks;
    private Connection jdbc;

    @Setup(Level.Iteration)
    public void freshNodeAndBlocks() throws Exception {
        dataDir = Files.createTempDirectory("tallynet-bench");
        blocks = TestBlocks.fanOutChain(BLOCKS, PAYMENTS);
        node = startNode(dataDir);
        ledger = node.getBean(Ledger.class);
        jdbc = baselineDatabase(dataDir);
    }

    /** A fresh H2 file beside the node's with the tables the baseline writes, in manual-commit mode. */
    static Connection baselineDatabase(Path dataDir) throws Exception {
        Connection jdbc = DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("baseline") + ";DB_CLOSE_ON_EXIT=FALSE",
                "sa", "");
        try (Statement ddl = jdbc.createStatement()) {
            ddl.execute("create table blocks (hash char(64) primary key, number bigint, previous_hash char(64), time bigint,"
                    + " target char(64), chain_work char(64), main_chain boolean, tx_count int, frame blob)");
            ddl.execute("create table transactions (tx_id char(64) primary key, block_hash char(64), position int)");
            ddl.execute("create table utxos (tx_id char(64), output_index bigint, address char(40), amount bigint,"
                    + " height bigint, coinbase boolean, primary key (tx_id, output_index))");
            ddl.execute("create table block_undo_data (block_hash char(64) primary key, spent varbinary(1000000000))");
        }
        jdbc.setAutoCommit(false);
        return jdbc;
    }

    static ConfigurableApplicationContext startNode(Path dataDir) {
        // a servlet web server (on any free port): the peer layer's WebSocket container needs one
        return new SpringApplicationBuilder(NodeApplication.class).run("--server.port=0", "--tallynet.api.port=0",
                "--tallynet.data-dir=" + dataDir, "--tallynet.chain.preset=easy", "--logging.level.root=WARN",
                "--tallynet.mempool.max-transactions=100000", "--tallynet.mempool.max-bytes=100000000",
                "--tallynet.chain.verified-cache=100000");
    }

    @TearDown(Level.Iteration)
    public void close() throws Exception {
        jdbc.close();
        node.close();
    }

    @Benchmark
    public long connectBlocksThroughTheNode() throws InvalidLedgerObjectException {
        return TestBlocks.connectAll(ledger, blocks);
    }

    /**
     * The 10 payment blocks alone (the 3 blocks funding them connected in setup), arriving cold or after
     * every payment was admitted to the mempool (as a block relayed after its transactions is): admitted
     * transactions are not verified again ({@code SignatureChecker}).
     */
    @State(Scope.Thread)
    public static class PaymentBlocks {
        private static final Object RELAYED = "a peer";
        @Param({"cold", "admitted"})
        public String transactions;
        private Path dataDir;
        private ConfigurableApplicationContext node;
        private Ledger ledger;
        private List<Block> payments;

        @Setup(Level.Iteration)
        public void fundedNode() throws Exception {
            dataDir = Files.createTempDirectory("tallynet-bench");
            List<Block> chain = TestBlocks.fanOutChain(BLOCKS, PAYMENTS);
            node = startNode(dataDir);
            ledger = node.getBean(Ledger.class);
            for (Block block : chain.subList(0, 3)) {
                ledger.acceptBlock(block);
            }
            payments = chain.subList(3, chain.size());
            if (transactions.equals("admitted")) {
                for (Block block : payments) {
                    for (Transaction tx : block.transactions().subList(1, block.transactions().size())) {
                        ledger.acceptTransaction(tx, RELAYED); // as from a peer: the node's own API would also store it
                    }
                }
            }
        }

        @TearDown(Level.Iteration)
        public void close() {
            node.close();
        }
    }

    @Benchmark
    public long connectPaymentBlocks(PaymentBlocks state) throws InvalidLedgerObjectException {
        return TestBlocks.connectAll(state.ledger, state.payments);
    }

    @Benchmark
    public int baselineJdbcBatchInsertOfTheSameRows() throws Exception {
        return insertRows(jdbc, blocks);
    }

    /** Block by block, with a commit each: its row, transaction index, spent and created outputs, undo data. */
    static int insertRows(Connection jdbc, List<Block> blocks) throws Exception {
        FrameCodec codec = new FrameCodec();
        int rows = 0;
        for (Block block : blocks) {
            try (PreparedStatement b = jdbc.prepareStatement("insert into blocks values (?,?,?,?,?,?,true,?,?)");
                 PreparedStatement t = jdbc.prepareStatement("insert into transactions values (?,?,?)");
                 PreparedStatement del = jdbc.prepareStatement("delete from utxos where tx_id = ? and output_index = ?");
                 PreparedStatement ins = jdbc.prepareStatement("insert into utxos values (?,?,?,?,?,?)");
                 PreparedStatement undo = jdbc.prepareStatement("insert into block_undo_data values (?,?)")) {
                int spent = 0;
                b.setString(1, block.hash());
                b.setLong(2, block.number());
                b.setString(3, block.previousHash());
                b.setLong(4, block.time());
                b.setString(5, block.target());
                b.setString(6, block.target());
                b.setInt(7, block.transactions().size());
                b.setBytes(8, codec.encodeToBytes(new BlockMessage(block)));
                b.executeUpdate();
                for (int i = 0; i < block.transactions().size(); i++) {
                    Transaction tx = block.transactions().get(i);
                    t.setString(1, tx.id());
                    t.setString(2, block.hash());
                    t.setInt(3, i);
                    t.addBatch();
                    for (TxInput input : tx.inputs()) {
                        if (!input.isCoinbase()) {
                            del.setString(1, input.txId());
                            del.setLong(2, input.index());
                            del.addBatch();
                            spent++;
                        }
                    }
                    for (int o = 0; o < tx.outputs().size(); o++) {
                        ins.setString(1, tx.id());
                        ins.setLong(2, o);
                        ins.setString(3, tx.outputs().get(o).address());
                        ins.setLong(4, tx.outputs().get(o).amount());
                        ins.setLong(5, block.number());
                        ins.setBoolean(6, i == 0);
                        ins.addBatch();
                    }
                }
                if (spent > 0) { // the undo data, one value of the node's size (UndoCodec: 73 bytes an output)
                    undo.setString(1, block.hash());
                    undo.setBytes(2, new byte[5 + 73 * spent]);
                    rows += undo.executeUpdate();
                }
                rows += t.executeBatch().length + del.executeBatch().length + ins.executeBatch().length + 1;
            }
            jdbc.commit();
        }
        return rows;
    }


    /**
     * Entry point: ./tallynet bench-connect. Prints JMH's table; the ratio is connect / baseline. A
     * benchmark that throws fails the run: JMH alone would leave it out of an otherwise empty table.
     */
    @Test
    void run() throws Exception {
        // this class and EmptyBlockConnectBenchmark; -Dtallynet.bench.only=Empty (a regular expression) the matching
        // ones, -Dtallynet.bench.method=connectPaymentBlocks one method, -Dtallynet.bench.params=transactions=admitted
        // one parameter's value, -Dtallynet.bench.profiler=jfr a JMH profiler (a Flight Recorder file per benchmark),
        // with its options after a colon as on JMH's command line (jfr:configName=/path/to/settings.jfc), and
        // -Dtallynet.bench.iterations=15 more measured iterations than 5 (a single shot of 10 blocks is noisy)
        ChainedOptionsBuilder options = new OptionsBuilder().include(System.getProperty("tallynet.bench.only", "") + ".*"
                + BlockConnectBenchmark.class.getSimpleName() + "\\." + System.getProperty("tallynet.bench.method", ""))
                .shouldFailOnError(true);
        String params = System.getProperty("tallynet.bench.params", "");
        if (!params.isEmpty()) {
            String[] nameAndValue = params.split("=", 2);
            options.param(nameAndValue[0], nameAndValue[1]);
        }
        int iterations = Integer.getInteger("tallynet.bench.iterations", 0);
        if (iterations > 0) {
            options.measurementIterations(iterations);
        }
        String profiler = System.getProperty("tallynet.bench.profiler", "");
        if (!profiler.isEmpty()) {
            String[] nameAndOptions = profiler.split(":", 2);
            options.addProfiler(nameAndOptions[0], nameAndOptions.length > 1 ? nameAndOptions[1] : "");
        }
        new Runner(options.build()).run();
    }
}
