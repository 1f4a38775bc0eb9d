package net.tallynet.node.sync;

import static net.tallynet.node.sync.ProcessSyncBenchmark.TOKEN;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.tallynet.node.NodeProcess;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestBlocks;
import net.tallynet.node.network.flood.NodeMetrics;
import net.tallynet.protocol.crypto.Ed25519Keys;
import net.tallynet.protocol.ledger.Transaction;
import net.tallynet.protocol.ledger.TransactionSigner;
import net.tallynet.protocol.ledger.TxOutput;
import net.tallynet.protocol.message.AddrMessage;
import net.tallynet.protocol.message.GetAddrMessage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Block propagation along a line of node processes on loopback ({@code ./tallynet bench-propagation};
 * not a test: it times and prints). Node 1 mines one block at a time through REST; each node knows only
 * the one before it (its seed), so a block crosses every hop. Each node's own record of when it connected
 * the block ({@code GET /api/propagation}; one machine, one clock) gives the time to every node without
 * polling error. The empty blocks are timed twice: by nodes just started (after 10 blocks), then by the
 * same nodes once {@code warmBlocks} more blocks have crossed, as in a network that has run a while;
 * printed beside the raw WebSocket round trip to a node measured in the same run (GETADDR to ADDR: a frame
 * each way through the node's handler). Then, on the warm nodes, payments from node 1, each timed until
 * every node's mempool has it, and the large blocks; then the payments once more, by nodes that have now relayed
 * the large blocks' thousands of transactions (a node's transaction path runs a few times per payment, so 20
 * payments leave it interpreted, as 10 blocks leave the block path). Sizes: {@code -Dtallynet.bench.nodes=10
 * -Dtallynet.bench.blocks=30 -Dtallynet.bench.warmBlocks=250 -Dtallynet.bench.transactions=20
 * -Dtallynet.bench.largeBlocks=3 -Dtallynet.bench.largeBlockSize=1000}, and
 * {@code -Dtallynet.bench.nodeArgs="--key=value ..."} for every node. The large
 * blocks carry payments every node already pooled: with compact block relay (PROTOCOL.md 12.1) a hop
 * costs their short ids, not their bodies; printed beside the warm empty blocks' time and the full block's
 * size. {@code -Dtallynet.bench.fullJit=true} gives every node C2 (the devnet
 * gives it only to the miner); {@code -Dtallynet.bench.profile=true} records the middle node with Flight
 * Recorder ({@code node.jfr} in its data directory).
 */
class ProcessPropagationBenchmark {
    private static final int NODES = Integer.getInteger("tallynet.bench.nodes", 10);
    private static final int BLOCKS = Integer.getInteger("tallynet.bench.blocks", 30);
    private static final int WARM_UP = 10;
    /**
     * Blocks relayed between the fresh and the warm measurement. A method runs interpreted until it has been
     * called about 200 times (C1's threshold), and one that runs once per block reaches that only after about
     * 200 blocks: a node that has relayed a few blocks still interprets most of a hop, one that has relayed 250
     * does not.
     */
    private static final int WARM_BLOCKS = Integer.getInteger("tallynet.bench.warmBlocks", 250);
    /** As the devnet starts them, the relaying nodes run C1 only; true gives every node the full JIT. */
    private static final boolean FULL_JIT = Boolean.getBoolean("tallynet.bench.fullJit");
    private static final int TRANSACTIONS = Integer.getInteger("tallynet.bench.transactions", 20);
    /** How long after a payment's submission the nodes are first asked whether they pooled it ({@link #payments}). */
    private static final long PAYMENT_SETTLE_MILLIS = Long.getLong("tallynet.bench.paymentSettleMillis", 1000);
    private static final int LARGE_BLOCKS = Integer.getInteger("tallynet.bench.largeBlocks", 3);
    private static final int LARGE_BLOCK_SIZE = Integer.getInteger("tallynet.bench.largeBlockSize", 1000);
    /** Frames of a block's relay between two nodes, whatever form it takes. */
    private static final List<String> BLOCK_RELAY = List.of("BROADCASTBLOCK", "GETLISTOFBLOCKS", "LISTOFBLOCKS",
            "GETBLOCK", "BLOCK", "SENDCOMPACT", "COMPACTBLOCK", "GETBLOCKTXN", "BLOCKTXN");

    @Test
    void run() throws Exception {
        Path dir = Files.createTempDirectory("tallynet-propagation-bench");
        List<Process> nodes = new ArrayList<>();
        int[] ports = new int[NODES];
        StringBuilder report = new StringBuilder("Block propagation benchmark (a line of " + NODES
                + " node processes on loopback)\n  nodes started " + NodeProcess.launchDescription() + '\n');
        try {
            for (int i = 0; i < NODES; i++) {
                ports[i] = NodeProcess.freePort();
                List<String> args = new ArrayList<>(List.of("--tallynet.api.token=" + TOKEN, "--tallynet.peers.max-outbound=1",
                        "--tallynet.peers.feeler-interval=0s", "--tallynet.peers.connect-interval=500ms",
                        "--tallynet.api.rate-limit.requests-per-second=100000", "--tallynet.api.rate-limit.burst=100000"));
                if (i > 0) {
                    args.add("--tallynet.peers.seeds=127.0.0.1:" + ports[i - 1]);
                }
                // the devnet's JVM (serial GC: G1's young pauses took 65 to 150 ms on ten JVMs sharing two cores,
                // and a block of 1,000 payments met a 1.5 s concurrent cycle) and its JIT: C1 only but on the miner
                List<String> jvm = new ArrayList<>(NodeProcess.serviceJvm("256m"));
                jvm.addAll(NodeProcess.devnetJit(i == 0 || FULL_JIT)); // the miner hashes
                if (i == NODES / 2 && Boolean.getBoolean("tallynet.bench.profile")) {
                    jvm.add("-XX:StartFlightRecording=filename=" + dir.resolve("node" + (i + 1)).resolve("node.jfr")
                            + ",settings=profile,jdk.ExecutionSample#period=1ms"); // a hop takes milliseconds: the profile's 10 ms says little
                }
                if (i > 0 && System.getProperty("tallynet.bench.asprof") != null) {
                    // CPU samples of every relaying node, with their times (JFR format), to set beside each node's log
                    // of when it connected a block: where a hop's CPU goes at every hop, not only at one node
                    jvm.add("-agentpath:" + System.getProperty("tallynet.bench.asprof") + "=start,event=itimer,interval=1ms,jfr,file="
                            + dir.resolve("node" + (i + 1)).resolve("prof.jfr"));
                }
                nodes.add(NodeProcess.start(dir.resolve("node" + (i + 1)), ports[i], jvm, NodeProcess.SERVICE_ENVIRONMENT,
                        ProcessSyncBenchmark.nodeArgs(args.toArray(String[]::new))));
            }
            for (int port : ports) {
                ProcessSyncBenchmark.awaitHealthy(port, Duration.ofMinutes(3));
            }
            mineAndAwait(ports, WARM_UP);
            Crossings fresh = crossings(ports);
            mineAndAwait(ports, WARM_BLOCKS);
            Crossings warm = crossings(ports);
            Payments freshPayments = payments(ports);
            LargeBlocks large = largeBlocks(ports);
            Payments warmPayments = LARGE_BLOCKS > 0 ? payments(ports) : null;
            long[] rtt = roundTrips(ports[NODES - 1], 50);
            report.append(String.format("  raw WebSocket round trip (GETADDR -> ADDR): median %.2f ms, p90 %.2f ms (baseline)%n",
                    percentile(rtt, 50) / 1000.0, percentile(rtt, 90) / 1000.0));
            fresh.report(report, "fresh (" + WARM_UP + " blocks relayed before)", rtt);
            warm.report(report, "warm (" + (WARM_UP + BLOCKS + WARM_BLOCKS) + " blocks relayed before)", rtt);
            if (large.toLast().length > 0) {
                report.append(String.format("  block of %d pooled payments, node 1 to all %d: median %.1f ms, p90 %.1f ms (%d blocks)"
                        + " = %.2fx the warm empty block's median (goal <= 2x)%n", LARGE_BLOCK_SIZE, NODES,
                        percentile(large.toLast(), 50) / 1000.0, percentile(large.toLast(), 90) / 1000.0,
                        large.toLast().length, (double) percentile(large.toLast(), 50) / percentile(warm.toLast(), 50)));
                report.append(String.format("  bytes per hop for it: %,d, the full block (BLOCK frame) %,d: %.1f%% (goal <= 10%%);"
                        + " transactions asked for with GETBLOCKTXN: %d%n", large.bytesPerHop(), large.blockBytes(),
                        100.0 * large.bytesPerHop() / large.blockBytes(), large.transactionsAsked()));
            }
            freshPayments.report(report, "nodes that had relayed no payment before");
            if (warmPayments != null) {
                warmPayments.report(report, "after the large blocks' " + LARGE_BLOCKS * (LARGE_BLOCK_SIZE + 1) + " transactions");
            }
        } finally {
            for (Process node : nodes) {
                NodeProcess.stop(node, Duration.ofSeconds(20));
            }
        }
        report.append("  data: ").append(dir).append('\n');
        System.out.println(report);
    }

    /** Microseconds from node 1 to the last node for each of {@link #BLOCKS} empty blocks, and every hop's, sorted. */
    private record Crossings(long[] toLast, long[] hops) {
        void report(StringBuilder report, String nodes, long[] rtt) {
            report.append(String.format("  empty block, node 1 to all %d, nodes %s: median %.1f ms, p90 %.1f ms (%d blocks;"
                    + " goal <= 60 ms)%n", NODES, nodes, percentile(toLast, 50) / 1000.0, percentile(toLast, 90) / 1000.0,
                    toLast.length));
            report.append(String.format("    per hop: median %.2f ms, p90 %.2f ms = %.1fx the round trip%n",
                    percentile(hops, 50) / 1000.0, percentile(hops, 90) / 1000.0,
                    (double) percentile(hops, 50) / percentile(rtt, 50)));
        }
    }

    /** {@link #BLOCKS} empty blocks mined one at a time on node 1, each timed to every node by the nodes' own records. */
    private static Crossings crossings(int[] ports) throws InterruptedException {
        long[][] delays = new long[BLOCKS][];
        for (int b = 0; b < BLOCKS; b++) {
            String hash = mineAndAwait(ports);
            Instant first = seenAt(ports[0], hash);
            delays[b] = new long[NODES];
            for (int i = 0; i < NODES; i++) {
                delays[b][i] = Duration.between(first, seenAt(ports[i], hash)).toNanos() / 1000;
            }
            Thread.sleep(200);
        }
        long[] toLast = Arrays.stream(delays).mapToLong(d -> d[NODES - 1]).sorted().toArray();
        long[] hops = Arrays.stream(delays).flatMapToLong(d -> {
            long[] hop = new long[NODES - 1];
            for (int i = 1; i < NODES; i++) {
                hop[i - 1] = d[i] - d[i - 1];
            }
            return Arrays.stream(hop);
        }).sorted().toArray();
        return new Crossings(toLast, hops);
    }

    /** {@code blocks} blocks, one at a time, as {@link #mineAndAwait(int[])}. */
    private static void mineAndAwait(int[] ports, int blocks) throws InterruptedException {
        for (int i = 0; i < blocks; i++) {
            mineAndAwait(ports);
        }
    }

    /** Mines one block on node 1 and waits until the last node has it; returns its hash. */
    private static String mineAndAwait(int[] ports) throws InterruptedException {
        String hash = ProcessSyncBenchmark.generate(ports[0], 1, null);
        long height = NodeProcess.chain(ports[0]).path("height").asLong();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (NodeProcess.chain(ports[ports.length - 1]).path("height").asLong(-1) < height) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("block #" + height + " did not reach the last node in 60 s");
            }
            // the times come from each node's own record (seenAt), so polling faster adds nothing but REST load
            // on the node the block is still crossing to
            Thread.sleep(25);
        }
        return hash;
    }

    /**
     * Payments timed by {@link #payments}, sorted: {@code toAll} from submission at node 1 until the last node pooled
     * it, {@code hops} from each node's pool to the next one's, {@code submitted} from submission to node 1's pool
     * (the request reaching the node, its wallet choosing coins and signing), all in microseconds.
     */
    private record Payments(long[] toAll, long[] hops, long[] submitted) {
        void report(StringBuilder report, String nodes) {
            report.append(String.format("  a payment from node 1 until every node's mempool has it, %s: median %.0f ms, p90 %.0f ms"
                    + " (%d payments; goal p90 <= 300 ms; by each node's pooledAt, nodes asked from %d ms after the"
                    + " submission)%n", nodes, percentile(toAll, 50) / 1000.0, percentile(toAll, 90) / 1000.0, toAll.length,
                    PAYMENT_SETTLE_MILLIS));
            report.append(String.format("    per hop: median %.0f ms, p90 %.0f ms; submission to node 1's pool: median %.0f ms,"
                    + " p90 %.0f ms%n", percentile(hops, 50) / 1000.0, percentile(hops, 90) / 1000.0,
                    percentile(submitted, 50) / 1000.0, percentile(submitted, 90) / 1000.0));
        }
    }

    /**
     * {@link #TRANSACTIONS} payments from node 1's wallet, each timed until the last node pooled it,
     * by each node's own record ({@code pooledAt} of {@code GET /api/transactions/{id}}; one machine, one clock),
     * sorted; payments about a second apart, as a user makes them. The nodes are asked only once
     * {@link #PAYMENT_SETTLE_MILLIS} have passed since the submission, then every 100 ms until all have it: the
     * times come from the nodes' own records, so asking sooner adds nothing to them but load. Asked every 20 ms
     * from the submission on (the way before 2026-12-07, {@code -Dtallynet.bench.paymentSettleMillis=0}), a node
     * that had not pooled the payment yet answered 404 to each request, and at the fresh nodes' first payments
     * their REST threads took about a fifth of a relaying node's CPU samples (async-profiler), on cold code.
     */
    private static Payments payments(int[] ports) throws InterruptedException {
        String to = NodeProcess.json(NodeProcess.get(ports[ports.length - 1], "/api/wallet")).path("address").asString();
        long[] micros = new long[TRANSACTIONS];
        long[] hops = new long[TRANSACTIONS * (ports.length - 1)];
        long[] submittedToPool = new long[TRANSACTIONS];
        for (int t = 0; t < TRANSACTIONS; t++) {
            Instant submitted = Instant.now();
            long start = System.nanoTime();
            var paid = NodeProcess.post(ports[0], "/api/payments", TOKEN,
                    "{\"to\":\"" + to + "\",\"amount\":1000,\"fee\":1000}");
            if (paid.statusCode() != 200) {
                throw new AssertionError("payment refused: " + paid.statusCode() + " " + paid.body());
            }
            String id = NodeProcess.json(paid).path("id").asString();
            Instant[] pooled = new Instant[ports.length];
            int missing = ports.length;
            Instant last = submitted;
            long deadline = start + Duration.ofSeconds(30).toNanos();
            Thread.sleep(PAYMENT_SETTLE_MILLIS);
            while (missing > 0) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("payment " + id + " reached " + (ports.length - missing) + " nodes in 30 s");
                }
                for (int i = 0; i < ports.length; i++) {
                    var found = pooled[i] != null ? null : NodeProcess.get(ports[i], "/api/transactions/" + id);
                    if (found != null && found.statusCode() == 200) {
                        missing--;
                        JsonNode pooledAt = NodeProcess.json(found).path("pooledAt");
                        // mined meanwhile (never here: nothing mines during this part): the poll's own time
                        Instant at = pooledAt.isMissingNode() ? Instant.now() : Instant.parse(pooledAt.asString());
                        pooled[i] = at;
                        last = at.isAfter(last) ? at : last;
                    }
                }
                if (missing > 0) {
                    Thread.sleep(PAYMENT_SETTLE_MILLIS > 0 ? 100 : 20);
                }
            }
            micros[t] = Duration.between(submitted, last).toNanos() / 1000;
            submittedToPool[t] = Duration.between(submitted, pooled[0]).toNanos() / 1000;
            for (int i = 1; i < ports.length; i++) {
                hops[t * (ports.length - 1) + i - 1] = Duration.between(pooled[i - 1], pooled[i]).toNanos() / 1000;
            }
            Thread.sleep(Math.max(0, 1000 - PAYMENT_SETTLE_MILLIS));
        }
        Arrays.sort(micros);
        Arrays.sort(hops);
        Arrays.sort(submittedToPool);
        return new Payments(micros, hops, submittedToPool);
    }

    /** Times to the last node of each large block, the relay bytes per hop (median block), the BLOCK frame's size. */
    private record LargeBlocks(long[] toLast, long bytesPerHop, long blockBytes, long transactionsAsked) {
    }

    /**
     * {@link #LARGE_BLOCKS} blocks of {@link #LARGE_BLOCK_SIZE} payments each: a fan-out pays a test key
     * that many outputs, the payments spending them are submitted to node 1 and awaited in every mempool,
     * then node 1 mines them. Bytes: every node's block relay frames (sent) for the block, over the hops.
     */
    private static LargeBlocks largeBlocks(int[] ports) throws InterruptedException {
        byte[] key = Ed25519Keys.newSecretKey();
        String address = TestBlocks.address(key);
        long[] toLast = new long[LARGE_BLOCKS];
        long[] bytes = new long[LARGE_BLOCKS];
        long blockBytes = 0;
        long asked = 0;
        for (int b = 0; b < LARGE_BLOCKS; b++) {
            String coinbase = ProcessSyncBenchmark.generate(ports[0], 1, address);
            mineAndAwait(ports);
            mineAndAwait(ports); // the coinbase matures
            String coinbaseTx = NodeProcess.json(NodeProcess.get(ports[0], "/api/blocks/" + coinbase))
                    .path("transactions").get(0).path("id").asString();
            long each = (TestBlocks.PARAMS.rewardAt(1) - 100_000) / LARGE_BLOCK_SIZE;
            List<TxOutput> split = new ArrayList<>();
            for (int i = 0; i < LARGE_BLOCK_SIZE; i++) {
                split.add(new TxOutput(address, each));
            }
            Transaction fanOut = TransactionSigner.sign(TestBlocks.NETWORK,
                    List.of(new TransactionSigner.Spend(coinbaseTx, 0, key)), split);
            ProcessSyncBenchmark.submit(ports[0], fanOut);
            mineAndAwait(ports);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < LARGE_BLOCK_SIZE; i++) {
                Transaction payment = TransactionSigner.sign(TestBlocks.NETWORK,
                        List.of(new TransactionSigner.Spend(fanOut.id(), i, key)),
                        List.of(new TxOutput(address, each - TestBlocks.FEE)));
                ProcessSyncBenchmark.submit(ports[0], payment);
                ids.add(payment.id());
            }
            awaitPooledEverywhere(ports, ids.size());
            long[] before = relayBytes(ports);
            double askedBefore = totalAsked(ports);
            String hash = mineAndAwait(ports);
            Thread.sleep(500); // the last frames' counters
            long[] after = relayBytes(ports);
            asked += (long) (totalAsked(ports) - askedBefore);
            toLast[b] = Duration.between(seenAt(ports[0], hash), seenAt(ports[ports.length - 1], hash)).toNanos() / 1000;
            long sum = 0;
            for (int i = 0; i < ports.length; i++) {
                sum += after[i] - before[i];
            }
            bytes[b] = sum / (ports.length - 1);
            String block = NodeProcess.get(ports[0], "/api/blocks/" + hash).body();
            blockBytes = ("{\"BLOCK\":{\"block\":" + block + "}}").getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        Arrays.sort(toLast);
        Arrays.sort(bytes);
        return new LargeBlocks(toLast, bytes.length == 0 ? 0 : percentile(bytes, 50), blockBytes, asked);
    }

    /** Until every node's mempool holds at least {@code count} transactions. */
    private static void awaitPooledEverywhere(int[] ports, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (int port : ports) {
            while (NodeProcess.json(NodeProcess.get(port, "/api/mempool")).path("count").asLong() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("node on port " + port + " did not pool " + count + " payments in 2 minutes;"
                            + " what each node counted:\n" + relayDiagnosis(ports));
                }
                Thread.sleep(50);
            }
        }
    }

    /** Each node's pool and the counters of what its relay lost or refused (non-zero ones), to tell where payments stopped. */
    private static String relayDiagnosis(int[] ports) {
        StringBuilder diagnosis = new StringBuilder();
        for (int i = 0; i < ports.length; i++) {
            NodeMetrics metrics;
            try {
                metrics = NodeMetrics.scrape(ports[i]);
                diagnosis.append(String.format("  node %d: mempool %d", i + 1,
                        NodeProcess.json(NodeProcess.get(ports[i], "/api/mempool")).path("count").asLong()));
            } catch (RuntimeException e) { // a node that died is one reason a wait fails: say so, and go on
                diagnosis.append(String.format("  node %d: not answering (%s)%n", i + 1, e));
                continue;
            }
            for (String[] series : new String[][] {{"tallynet_transactions_unreceived_total", "outcome"},
                    {"tallynet_transactions_dropped_total", "reason"}, {"tallynet_validation_failures_total", "reason"},
                    {"tallynet_orphans_total", "outcome"}, {"tallynet_frames_unsent_total", "method"},
                    {"tallynet_requests_unanswered_total", "method"}, {"tallynet_frames_rejected_total", "reason"},
                    {"tallynet_announcements_missed_total", "kind"}, {"tallynet_connections_closed_total", "reason"}}) {
                var values = metrics.byLabel(series[0], series[1]);
                if (!values.isEmpty()) {
                    diagnosis.append(", ").append(series[0]).append(' ').append(values);
                }
            }
            diagnosis.append('\n');
        }
        return diagnosis.toString();
    }

    private static long[] relayBytes(int[] ports) {
        long[] bytes = new long[ports.length];
        for (int i = 0; i < ports.length; i++) {
            NodeMetrics metrics = NodeMetrics.scrape(ports[i]);
            for (String method : BLOCK_RELAY) {
                bytes[i] += (long) metrics.sum("tallynet_frames_sent_bytes_total", "method=\"" + method + "\"");
            }
        }
        return bytes;
    }

    private static double totalAsked(int[] ports) {
        double sum = 0;
        for (int port : ports) {
            sum += NodeMetrics.scrape(port).sum("tallynet_compact_transactions_requested_total");
        }
        return sum;
    }

    private static Instant seenAt(int port, String hash) {
        for (JsonNode arrival : NodeProcess.json(NodeProcess.get(port, "/api/propagation"))) {
            if (hash.equals(arrival.path("hash").asString())) {
                return Instant.parse(arrival.path("seenAt").asString());
            }
        }
        throw new AssertionError("node on port " + port + " has no arrival of " + hash);
    }

    /** Microseconds of each of {@code count} GETADDR to ADDR round trips on one connection. */
    private static long[] roundTrips(int port, int count) throws Exception {
        long[] micros = new long[count];
        try (RawPeer peer = RawPeer.handshaken(port, "127.0.0.1", "00000000000000ee")) {
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                peer.send(new GetAddrMessage(null));
                peer.expect(AddrMessage.class);
                micros[i] = (System.nanoTime() - start) / 1000;
            }
        }
        Arrays.sort(micros);
        return micros;
    }

    private static long percentile(long[] sorted, int percent) {
        return sorted[Math.min(sorted.length - 1, sorted.length * percent / 100)];
    }
}
