package net.tallynet.node.sync;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.tallynet.node.NodeProcess;
import net.tallynet.node.TestBlocks;
import net.tallynet.node.network.flood.NodeMetrics;
import net.tallynet.protocol.codec.FrameCodec;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TransactionSigner;
import net.tallynet.protocol.ledger.TxInput;
import net.tallynet.protocol.ledger.TxOutput;
import org.junit.jupiter.api.Test;

/**
 * Sync between node processes over loopback, as users run it ({@code ./tallynet bench-sync}; not a test:
 * it times and prints, asserting only that the sync finished). One source process mines a chain through
 * its REST API; a fresh process given the source as its seed downloads it; both are separate JVMs with
 * their own H2 files. Each sync starts once the source has checkpointed what it mined ({@link #awaitCheckpointed}):
 * a sync is measured from a quiet peer. Printed beside baselines from the same run:
 * <ul>
 * <li>2,000 coinbase-only blocks: sync rate beside the source's own {@code generate} rate;</li>
 * <li>blocks of 200 payments: sync rate in transactions per second beside this JVM verifying the same
 * signatures on two threads (the issue's goal is 80% of that), and the source's local connect of the
 * same blocks (its {@code generate} with the payments already admitted to its mempool);</li>
 * <li>the new member's start time to healthy and its resident memory after the sync;</li>
 * <li>the CPU time each process used per block and per transaction, all its threads (the JIT's and the
 * collector's too), and over the measured blocks the cores each used and the share of the time the member's
 * collector stopped it.</li>
 * </ul>
 * Sizes: {@code -Dtallynet.bench.blocks=2000 -Dtallynet.bench.paymentBlocks=40}, and {@code -Dtallynet.bench.syncRuns=3}
 * new members syncing the coinbase-only chain one after another (the median one's figures are printed, every rate
 * beside them); {@code -Dtallynet.bench.fullJit=true}
 * gives the members the full JIT (the devnet's nodes that do not mine run C1 alone), {@code
 * -Dtallynet.bench.memberJvm="-XX:..."} further JVM options; {@code
 * -Dtallynet.bench.nodeArgs="--tallynet.sync.requests-per-second=2000 --tallynet.peers.messages-per-second=4000"}
 * passes settings to every node (here: lifting the one-peer request pacing); {@code
 * -Dtallynet.bench.profile=true} records the source and each new member with Flight Recorder ({@code node.jfr}
 * in its data directory, kept), with the JDK's {@code profile} settings (a sample every 10 ms) or those of {@code
 * -Dtallynet.bench.jfc=<file>}: a block takes about a millisecond, and a sample a millisecond ({@code jfr configure
 * method-profiling=max --output fast.jfc}) says more.
 */
class ProcessSyncBenchmark {
    private static final int BLOCKS = Integer.getInteger("tallynet.bench.blocks", 2000);
    private static final int PAYMENT_BLOCKS = Integer.getInteger("tallynet.bench.paymentBlocks", 40);
    private static final int PAYMENTS = 200;
    /** New members that sync the coinbase-only chain, one after another; the figures are the median one's. */
    private static final int SYNC_RUNS = Math.max(1, Integer.getInteger("tallynet.bench.syncRuns", 3));
    /** As the devnet starts them, a member (which does not mine) runs C1 alone; true gives it the full JIT too. */
    private static final boolean FULL_JIT = Boolean.getBoolean("tallynet.bench.fullJit");
    static final String TOKEN = "bench-sync-api-token";
    private static final String NETWORK = TestBlocks.NETWORK;
    private static final FrameCodec CODEC = new FrameCodec();
    /** Further {@code --key=value} arguments for every node, e.g. raised request and message rates. */
    private static final List<String> NODE_ARGS = List.of(System.getProperty("tallynet.bench.nodeArgs", "").split(" "))
            .stream().filter(arg -> !arg.isBlank()).toList();

    @Test
    void run() throws Exception {
        Path dir = Files.createTempDirectory("tallynet-sync-bench");
        int sourcePort = NodeProcess.freePort();
        // the spending endpoints' rate limit is for strangers; this benchmark submits 200 payments a block
        Process source = NodeProcess.start(dir.resolve("source"), sourcePort, jvm(dir.resolve("source"), true),
                NodeProcess.SERVICE_ENVIRONMENT, nodeArgs("--tallynet.api.token=" + TOKEN,
                "--tallynet.api.rate-limit.requests-per-second=100000", "--tallynet.api.rate-limit.burst=100000"));
        List<Process> started = new ArrayList<>(List.of(source));
        StringBuilder report = new StringBuilder("Process sync benchmark (separate node processes on loopback)\n"
                + "  nodes started " + NodeProcess.launchDescription() + '\n');
        report.append(FULL_JIT ? "  every node with the full JIT (-Dtallynet.bench.fullJit)\n"
                : "  the source (it mines) with the full JIT, each new member with C1 alone, as in the devnet\n");
        if (!NODE_ARGS.isEmpty()) {
            report.append("  node settings: ").append(String.join(" ", NODE_ARGS)).append('\n');
        }
        try {
            awaitHealthy(sourcePort, Duration.ofSeconds(60));
            long generateStart = System.nanoTime();
            for (int left = BLOCKS; left > 0; left -= 1000) {
                generate(sourcePort, Math.min(1000, left), null);
            }
            double generateRate = BLOCKS / seconds(generateStart);
            double checkpointSeconds = awaitCheckpointed(sourcePort);

            // one sync spreads by a third from run to run on these shared machines: the median of a few new members (the
            // first syncs from a source whose serving code has never run, the later ones from one that has served)
            List<Syncing> syncs = new ArrayList<>();
            for (int run = 1; run <= SYNC_RUNS; run++) {
                syncs.add(syncFrom(dir.resolve("member1-" + run), sourcePort, BLOCKS, 2, started));
                NodeProcess.stop(started.getLast(), Duration.ofSeconds(20)); // not to share the cores with the next
            }
            List<Syncing> byTime = syncs.stream().sorted(Comparator.comparingDouble(Syncing::seconds)).toList();
            Syncing coinbaseOnly = byTime.get(byTime.size() / 2);
            double coinbaseRate = BLOCKS / coinbaseOnly.seconds();
            report.append(String.format("  %d coinbase-only blocks%n", BLOCKS));
            report.append(String.format("    (the source's checkpoint of them, waited for before the sync: %.1f s)%n",
                    checkpointSeconds));
            report.append(String.format("    source generate (baseline):  %8.0f blocks/s%n", generateRate));
            report.append(String.format("    sync of a new member:        %8.0f blocks/s   %.2fx of generate   (goal 1,500 blocks/s)%n",
                    coinbaseRate, coinbaseRate / generateRate));
            report.append(String.format("      the median of %d new members, one after another (the first from a source that had served none): %s blocks/s%n", SYNC_RUNS,
                    String.join(", ", syncs.stream().map(sync -> String.format("%.0f", BLOCKS / sync.seconds())).toList())));
            double downloadRate = (BLOCKS - 1) / coinbaseOnly.secondsFrom(2);
            report.append(String.format("      from its first block on:   %8.0f blocks/s   (without the dial, handshake and first list)%n",
                    downloadRate));
            // a fresh JVM compiles its hot paths during the first half: the second shows the engine warmer
            double warmRate = (BLOCKS - BLOCKS / 2) / coinbaseOnly.secondsFrom(BLOCKS / 2 + 1);
            report.append(String.format("      its second half:           %8.0f blocks/s   (the JIT warmer)%n", warmRate));
            report.append(String.format("    new member: healthy %.1f s after its start, RSS after the sync %d MB%n",
                    coinbaseOnly.startSeconds(), coinbaseOnly.rssMb()));
            report.append(String.format("    CPU per block from its first block on: member %.2f ms, source %.2f ms (all threads: JIT, GC)%n",
                    coinbaseOnly.cpuMillisFrom(2, 0) / (BLOCKS - 1), coinbaseOnly.cpuMillisFrom(2, 1) / (BLOCKS - 1)));
            report.append(String.format("    from its first block on: %s%n", coresAndPauses(coinbaseOnly)));

            Payments payments = mintPayments(sourcePort, BLOCKS);
            awaitCheckpointed(sourcePort);
            Syncing paid = syncFrom(dir.resolve("member2"), sourcePort, payments.tipNumber(), payments.firstPaymentBlock(),
                    started);
            double syncTxRate = PAYMENT_BLOCKS * PAYMENTS / paid.secondsFrom(payments.firstPaymentBlock());
            for (Process process : started) {
                NodeProcess.stop(process, Duration.ofSeconds(20)); // the baseline gets the machine to itself
            }
            // one thread first, which warms the JIT for both: measured first, two threads came out cold, at about
            // 1.05x of one (a shared two-core machine that runs two threads of SHA-256 at 1.95x of one)
            double verifyRate1 = verifyRate(payments.transactions(), 1);
            double verifyRate = verifyRate(payments.transactions(), 2);
            report.append(String.format("  %d blocks of %d payments (%d transactions)%n", PAYMENT_BLOCKS, PAYMENTS,
                    PAYMENT_BLOCKS * PAYMENTS));
            report.append(String.format("    raw signature checks, 1 thread:  %8.0f tx/s%n", verifyRate1));
            report.append(String.format("    raw signature checks, 2 threads: %8.0f tx/s (baseline)%n", verifyRate));
            report.append(String.format("    source local connect (admitted): %8.0f tx/s   %.2fx of baseline%n",
                    payments.localTxRate(), payments.localTxRate() / verifyRate));
            report.append(String.format("    sync of a new member:            %8.0f tx/s   %.2fx of baseline (goal 0.80x), %.1f blocks/s%n",
                    syncTxRate, syncTxRate / verifyRate, syncTxRate / PAYMENTS));
            report.append(String.format("    new member: RSS after the sync %d MB%n", paid.rssMb()));
            report.append(String.format("    CPU per transaction: member %.0f us, source %.0f us (all threads: JIT, GC)%n",
                    paid.cpuMillisFrom(payments.firstPaymentBlock(), 0) * 1e3 / (PAYMENT_BLOCKS * PAYMENTS),
                    paid.cpuMillisFrom(payments.firstPaymentBlock(), 1) * 1e3 / (PAYMENT_BLOCKS * PAYMENTS)));
            report.append(String.format("    during them: %s%n", coresAndPauses(paid)));
            // the member met no payment before these blocks: its JIT compiles their path while they come in
            long secondHalf = payments.firstPaymentBlock() + PAYMENT_BLOCKS / 2;
            int secondHalfTxs = (PAYMENT_BLOCKS - PAYMENT_BLOCKS / 2) * PAYMENTS;
            double warmTxRate = secondHalfTxs / paid.secondsFrom(secondHalf);
            report.append(String.format("      its second half:             %8.0f tx/s   %.2fx of baseline (the JIT warmer), member CPU %.0f us per transaction%n",
                    warmTxRate, warmTxRate / verifyRate, paid.cpuMillisFrom(secondHalf, 0) * 1e3 / secondHalfTxs));
        } finally {
            for (Process process : started) {
                NodeProcess.stop(process, Duration.ofSeconds(20));
            }
        }
        report.append("  data: ").append(dir).append('\n');
        System.out.println(report);
    }

    /**
     * A fresh member given the source as its seed, timed until its tip reaches {@code height}; its collector's pauses
     * are read when it has the blocks before {@code measuredFrom} (as {@link Syncing#secondsFrom}) and at the end.
     */
    private static Syncing syncFrom(Path dataDir, int sourcePort, long height, long measuredFrom, List<Process> started)
            throws Exception {
        int port = NodeProcess.freePort();
        long start = System.nanoTime();
        Process member = NodeProcess.start(dataDir, port, jvm(dataDir, false), NodeProcess.SERVICE_ENVIRONMENT,
                nodeArgs("--tallynet.api.token=" + TOKEN, "--tallynet.peers.seeds=127.0.0.1:" + sourcePort));
        started.add(member);
        awaitHealthy(port, Duration.ofSeconds(60));
        double startSeconds = seconds(start);
        gcPauseSeconds(port); // a fresh JVM's first scrape is slow: not inside the measured span
        long healthy = System.nanoTime();
        List<long[]> progress = new ArrayList<>(); // {height, nanos, member CPU nanos, source CPU nanos}
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        long tip = -1;
        double gcAtMark = -1;
        while (tip < height) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the new member reached #" + tip + " of #" + height + " in 10 minutes");
            }
            tip = NodeProcess.chain(port).path("height").asLong(-1);
            progress.add(new long[] {tip, System.nanoTime(), cpuNanos(member), cpuNanos(started.getFirst())});
            if (gcAtMark < 0 && tip >= measuredFrom - 1) {
                gcAtMark = gcPauseSeconds(port);
            }
            Thread.sleep(20);
        }
        double gcPaused = gcPauseSeconds(port) - gcAtMark; // first: a pause after the last poll is outside the span
        return new Syncing(healthy, progress, startSeconds, rssMb(member.pid()), measuredFrom, gcPaused);
    }

    /**
     * The node's collector pauses so far ({@code jvm_gc_pause_seconds_sum}, every collection), in seconds. Micrometer
     * makes that timer at the first collection, and a member started from the AOT cache can be healthy before any: with
     * the collector's metrics bound ({@code jvm_gc_max_data_size_bytes}, made at start) and no timer yet, none paused it.
     */
    private static double gcPauseSeconds(int port) {
        NodeMetrics metrics = NodeMetrics.scrape(port);
        if (!metrics.has("jvm_gc_max_data_size_bytes")) {
            throw new AssertionError("node on port " + port + " exports no collector metrics");
        }
        return metrics.has("jvm_gc_pause_seconds_sum") ? metrics.sum("jvm_gc_pause_seconds_sum") : 0;
    }

    /**
     * How much of the two cores each process used over the measured blocks ({@link Syncing#measuredFrom} on), and the
     * share of that time the member's collector stopped it.
     */
    private static String coresAndPauses(Syncing sync) {
        long height = sync.measuredFrom();
        double seconds = sync.secondsFrom(height);
        return String.format("member %.2f cores, source %.2f cores; the member's collector paused it %.0f ms (%.0f%% of the time)",
                sync.cpuMillisFrom(height, 0) / 1e3 / seconds, sync.cpuMillisFrom(height, 1) / 1e3 / seconds,
                sync.gcSeconds() * 1e3, 100 * sync.gcSeconds() / seconds);
    }

    /**
     * The CPU time a process has used, all its threads (the JIT's and the collector's too): wall time on these
     * shared two-core machines varies by a third from run to run, and says little of a change's saving alone.
     */
    private static long cpuNanos(Process process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /**
     * The JVM options of a node (its environment is the devnet's too): the devnet's (scripts/service-jvm.sh), whose
     * nodes that do not mine run C1 alone, its miner the full JIT (SHA-256's intrinsic is C2's); with profiling on,
     * a flight recording ({@code node.jfr} in its data directory). With the full JIT a new member's compiler
     * threads took about a core for the whole sync, C2 compiling what was already running compiled by C1.
     */
    private static List<String> jvm(Path dataDir, boolean mines) {
        List<String> jvm = new ArrayList<>(NodeProcess.serviceJvm("256m"));
        jvm.addAll(NodeProcess.devnetJit(mines || FULL_JIT));
        if (!mines) { // -Dtallynet.bench.memberJvm="-XX:..." for trying JVM options on the members alone
            Arrays.stream(System.getProperty("tallynet.bench.memberJvm", "").split(" ")).filter(o -> !o.isBlank())
                    .forEach(jvm::add);
        }
        if (Boolean.getBoolean("tallynet.bench.profile")) {
            jvm.add("-XX:FlightRecorderOptions:stackdepth=256"); // Spring, Hibernate and H2 stacks are deep
            jvm.add("-XX:StartFlightRecording=filename=" + dataDir.resolve("node.jfr") + ",settings="
                    + System.getProperty("tallynet.bench.jfc", "profile"));
        }
        return jvm;
    }

    /**
     * {@code measuredFrom}: the first block of the measured span; {@code gcSeconds}: the member's collector pauses over
     * it ({@code secondsFrom(measuredFrom)}).
     */
    record Syncing(long healthyNanos, List<long[]> progress, double startSeconds, long rssMb, long measuredFrom,
                   double gcSeconds) {
        /** From healthy to the last height. */
        double seconds() {
            return (progress.getLast()[1] - healthyNanos) / 1e9;
        }

        /** From the first poll at or past {@code height - 1} (the blocks before it were in) to the end. */
        double secondsFrom(long height) {
            return (progress.getLast()[1] - from(height)[1]) / 1e9;
        }

        /** CPU milliseconds the member (process 0) or the source (1) used over the same span as {@link #secondsFrom}. */
        double cpuMillisFrom(long height, int process) {
            return (progress.getLast()[2 + process] - from(height)[2 + process]) / 1e6;
        }

        private long[] from(long height) {
            return progress.stream().filter(p -> p[0] >= height - 1).findFirst().orElseThrow();
        }
    }

    record Payments(List<Transaction> transactions, long firstPaymentBlock, long tipNumber, double localTxRate) {
    }

    /**
     * On the source: two blocks paying a key of this JVM, one splitting the first coinbase into {@value
     * #PAYMENTS} outputs, then blocks of {@value #PAYMENTS} payments each spending one output of the block
     * before, submitted through {@code POST /api/transactions} and mined with {@code generate}.
     */
    private static Payments mintPayments(int sourcePort, long height) {
        byte[] key = Ed25519Keys.newSecretKey();
        String address = TestBlocks.address(key);
        String coinbase = generate(sourcePort, 1, address);
        generate(sourcePort, 2, null); // the coinbase matures
        long amount = (5_000_000_000L - 10_000) / PAYMENTS; // the split pays 10,000, over the minimum relay fee
        List<TxOutput> split = new ArrayList<>();
        for (int i = 0; i < PAYMENTS; i++) {
            split.add(new TxOutput(address, amount));
        }
        String coinbaseTx = NodeProcess.json(NodeProcess.get(sourcePort, "/api/blocks/" + coinbase))
                .path("transactions").get(0).path("id").asString();
        Transaction fanOut = TransactionSigner.sign(NETWORK, List.of(new TransactionSigner.Spend(coinbaseTx, 0, key)), split);
        submit(sourcePort, fanOut);
        generate(sourcePort, 1, null);
        List<Transaction> all = new ArrayList<>();
        String[] spendable = new String[PAYMENTS];
        java.util.Arrays.fill(spendable, fanOut.id());
        long[] indexes = new long[PAYMENTS];
        for (int i = 0; i < PAYMENTS; i++) {
            indexes[i] = i;
        }
        long connectNanos = 0;
        for (int n = 1; n <= PAYMENT_BLOCKS; n++) {
            for (int i = 0; i < PAYMENTS; i++) {
                Transaction payment = TransactionSigner.sign(NETWORK,
                        List.of(new TransactionSigner.Spend(spendable[i], indexes[i], key)),
                        List.of(new TxOutput(address, amount - 100L * n))); // a fee of 100, over the minimum relay fee
                submit(sourcePort, payment);
                all.add(payment);
                spendable[i] = payment.id();
                indexes[i] = 0;
            }
            long mined = System.nanoTime();
            generate(sourcePort, 1, null);
            connectNanos += System.nanoTime() - mined;
        }
        long first = height + 5;
        return new Payments(all, first, height + 4 + PAYMENT_BLOCKS, all.size() / (connectNanos / 1e9));
    }

    /** Verifies every input signature of {@code transactions} on {@code threads} threads; transactions per second. */
    private static double verifyRate(List<Transaction> transactions, int threads) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            double best = 0;
            for (int round = 0; round < 5; round++) { // the best of five; the first warms the JIT
                long start = System.nanoTime();
                List<Future<Boolean>> results = new ArrayList<>();
                int share = (transactions.size() + threads - 1) / threads;
                for (int t = 0; t < threads; t++) {
                    List<Transaction> part = transactions.subList(Math.min(transactions.size(), t * share),
                            Math.min(transactions.size(), (t + 1) * share));
                    results.add(pool.submit(() -> {
                        boolean all = true;
                        for (Transaction tx : part) {
                            byte[] digest = TransactionSigner.digest(NETWORK, tx.inputs(), tx.outputs());
                            for (TxInput input : tx.inputs()) {
                                all &= TransactionSigner.verify(digest, input);
                            }
                        }
                        return all;
                    }));
                }
                for (Future<Boolean> result : results) {
                    if (!result.get()) {
                        throw new AssertionError("a signature of the benchmark's own payments does not verify");
                    }
                }
                best = Math.max(best, transactions.size() / seconds(start));
            }
            return best;
        }
    }

    static String generate(int port, int count, String to) {
        String body = to == null ? "{\"count\":" + count + "}" : "{\"count\":" + count + ",\"to\":\"" + to + "\"}";
        var response = NodeProcess.post(port, "/api/blocks/generate", TOKEN, body);
        if (response.statusCode() != 200) {
            throw new AssertionError("generate: " + response.statusCode() + " " + response.body());
        }
        var hashes = NodeProcess.json(response).path("hashes");
        return hashes.get(hashes.size() - 1).asString();
    }

    static void submit(int port, Transaction tx) {
        var response = NodeProcess.post(port, "/api/transactions", TOKEN, CODEC.toJson(tx));
        if (response.statusCode() != 200) {
            throw new AssertionError("payment refused: " + response.statusCode() + " " + response.body());
        }
    }

    static String[] nodeArgs(String... own) {
        List<String> all = new ArrayList<>(List.of(own));
        all.addAll(NODE_ARGS);
        return all.toArray(String[]::new);
    }

    /**
     * Waits until the node's journal checkpoint has written what it made (the journal and the unspent outputs held in
     * memory both empty), and returns how long that took: a source that has just generated 2,000 blocks writes their
     * outputs within its checkpoint interval (10 s), and doing so during a sync, at a random moment of it, took up to
     * a core for half a second from the new member on these two cores. A sync is measured from a quiet peer.
     */
    static double awaitCheckpointed(int port) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            NodeMetrics metrics = NodeMetrics.scrape(port);
            if (!metrics.has("tallynet_chain_journal_pending_bytes") || !metrics.has("tallynet_chain_coins_unflushed")) {
                throw new AssertionError("node on port " + port + " exports no checkpoint gauges");
            }
            if (metrics.sum("tallynet_chain_journal_pending_bytes") == 0 && metrics.sum("tallynet_chain_coins_unflushed") == 0) {
                return seconds(start);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("node on port " + port + " did not checkpoint within 60 s");
    }

    static void awaitHealthy(int port, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (NodeProcess.get(port, "/actuator/health").statusCode() == 200) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new AssertionError("node on port " + port + " not healthy within " + limit);
    }

    static long rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
