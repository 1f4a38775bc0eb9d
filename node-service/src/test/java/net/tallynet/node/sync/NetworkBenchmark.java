package net.tallynet.node.sync;


import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import net.tallynet.node.RawPeer;
import net.tallynet.node.TestBlocks;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.ledger.Ledger;
import net.tallynet.node.mining.Miner;
import net.tallynet.node.network.PeerConnector;
import net.tallynet.node.wallet.Wallet;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.protocol.ledger.Block;
import net.tallynet.protocol.ledger.Transaction;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The network harness (not a test: it asserts nothing and times everything; {@code ./tallynet
 * bench-network}). Every figure sits beside a baseline measured in the same run on the same machine:
 * <ol>
 * <li>a new member syncing a chain of 2,000 blocks of 200 transactions over a real WebSocket, beside
 * the same node software connecting the same blocks locally (no network);</li>
 * <li>time for a block and for a transaction to reach all of 10 nodes, in a line and in a random
 * graph (median and p90 over 20 runs), beside a raw WebSocket ping round trip to one of them.</li>
 * </ol>
 * Sizes can be lowered for a quick look: {@code -Dtallynet.bench.blocks=200 -Dtallynet.bench.runs=5}.
 */
class NetworkBenchmark {
    private static final int BLOCKS = Integer.getInteger("tallynet.bench.blocks", 2000);
    private static final int TX_PER_BLOCK = 200;
    private static final int NODES = 10;
    private static final int RUNS = Integer.getInteger("tallynet.bench.runs", 20);

    @Test
    void run() throws Exception {
        Path dir = Files.createTempDirectory("tallynet-network-bench");
        StringBuilder report = new StringBuilder("Network benchmark\n");
        try (TestNetwork network = new TestNetwork(dir)) {
            syncFigures(network, report);
        }
        try (TestNetwork network = new TestNetwork(dir.resolve("line"))) {
            propagationFigures(network, "line", report);
        }
        try (TestNetwork network = new TestNetwork(dir.resolve("graph"))) {
            propagationFigures(network, "random graph", report);
        }
        System.out.println(report);
    }

    private static void syncFigures(TestNetwork network, StringBuilder report) throws Exception {
        long signStart = System.nanoTime();
        List<Block> chain = TestBlocks.fanOutChain(BLOCKS - 3, TX_PER_BLOCK - 1);
        double signSeconds = seconds(signStart);
        long txs = chain.stream().mapToLong(b -> b.transactions().size()).sum();

        ConfigurableApplicationContext source = network.node("source", "--tallynet.peers.max-outbound=0",
                "--logging.level.net.tallynet=WARN");
        Ledger ledger = source.getBean(Ledger.class);
        long connectStart = System.nanoTime();
        for (Block block : chain) {
            ledger.acceptBlock(block);
        }
        double localSeconds = seconds(connectStart);

        ConfigurableApplicationContext member = network.node("member", "--tallynet.peers.max-outbound=0",
                "--logging.level.net.tallynet=WARN");
        String tip = chain.getLast().hash();
        long syncStart = System.nanoTime();
        member.getBean(PeerConnector.class).connect(URI.create("ws://127.0.0.1:" + TestNetwork.port(source) + "/p2p"));
        while (!TestNetwork.chain(member).tip().hash().equals(tip)) {
            Thread.sleep(20);
        }
        double syncSeconds = seconds(syncStart);
        double bytes = 0;
        for (var counter : member.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .find("tallynet.frames.received.bytes").counters()) {
            bytes += counter.count();
        }

        report.append(String.format("  chain: %d blocks, %d transactions (built and signed in %.1f s)%n",
                chain.size(), txs, signSeconds));
        report.append(String.format("  local connect (baseline): %.1f s, %.1f blocks/s, %.0f tx/s%n",
                localSeconds, chain.size() / localSeconds, txs / localSeconds));
        report.append(String.format("  sync of a new member:     %.1f s, %.1f blocks/s, %.0f tx/s, %.1f MB/s (%.0f MB)%n",
                syncSeconds, chain.size() / syncSeconds, txs / syncSeconds, bytes / 1e6 / syncSeconds, bytes / 1e6));
        report.append(String.format("  sync rate / local connect rate: %.2f%n", localSeconds / syncSeconds));
    }

    private static void propagationFigures(TestNetwork network, String shape, StringBuilder report) throws Exception {
        Random random = new Random(42);
        List<ConfigurableApplicationContext> nodes = new ArrayList<>();
        nodes.add(network.node("n0", "--tallynet.peers.max-outbound=0", "--logging.level.net.tallynet=WARN"));
        int links = 0;
        for (int i = 1; i < NODES; i++) {
            List<Integer> earlier = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                earlier.add(j);
            }
            List<Integer> targets;
            if (shape.equals("line")) {
                targets = List.of(i - 1);
            } else {
                Collections.shuffle(earlier, random);
                targets = earlier.subList(0, Math.min(2, i));
            }
            links += targets.size();
            StringBuilder seeds = new StringBuilder("--tallynet.peers.seeds=");
            for (int t : targets) {
                seeds.append(t == targets.getFirst() ? "" : ",").append("127.0.0.1:").append(TestNetwork.port(nodes.get(t)));
            }
            nodes.add(network.node("n" + i, seeds.toString(), "--tallynet.peers.max-outbound=" + targets.size(),
                    "--logging.level.net.tallynet=WARN"));
        }
        int expectedLinks = links;
        waitUntil(() -> nodes.stream().mapToInt(n -> n.getBean(PeerRegistry.class).established().size()).sum()
                == 2 * expectedLinks);

        Map<String, long[]> arrivals = new ConcurrentHashMap<>();
        for (int i = 0; i < NODES; i++) {
            int index = i;
            nodes.get(i).getBean(Ledger.class).addListener(new Ledger.Listener() {
                @Override
                public void blocksConnected(List<Block> connected, Object source) {
                    arrivals.computeIfAbsent(connected.getLast().hash(), h -> new long[NODES])[index] = System.nanoTime();
                }

                @Override
                public void transactionAdded(Transaction tx, Object source) {
                    arrivals.computeIfAbsent(tx.id(), h -> new long[NODES])[index] = System.nanoTime();
                }
            });
        }
        ConfigurableApplicationContext origin = nodes.getFirst();
        origin.getBean(Miner.class).generate(30, null); // spendable coinbases for the payments
        waitUntil(() -> nodes.stream().allMatch(n -> TestNetwork.chain(n).tip().number() == 30));

        String to = nodes.getLast().getBean(Wallet.class).address();
        double[] blockMillis = new double[RUNS];
        double[] txMillis = new double[RUNS];
        for (int run = 0; run < RUNS; run++) {
            Transaction payment = origin.getBean(Wallet.class).pay(to, 1_000, 100);
            origin.getBean(Ledger.class).acceptTransaction(payment);
            txMillis[run] = spread(arrivals, payment.id());
            String block = origin.getBean(Miner.class).generate(1, null).getFirst();
            blockMillis[run] = spread(arrivals, block);
        }

        // 50 pings to warm up, then 200 measured: a ping is a few microseconds of work, so take many
        double[] pingMillis = new double[200];
        try (RawPeer raw = new RawPeer(TestNetwork.port(nodes.get(NODES / 2)))) {
            for (int run = -50; run < pingMillis.length; run++) {
                long start = System.nanoTime();
                raw.sendFrame(9, new byte[] {(byte) run});
                RawPeer.Frame frame;
                do {
                    frame = raw.next(java.time.Duration.ofSeconds(5));
                } while (frame != null && frame.opcode() != 10);
                if (run >= 0) {
                    pingMillis[run] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        double rtt = percentile(pingMillis, 50);
        report.append(String.format("  %d nodes, %s (%d links), %d runs; raw WebSocket ping round trip (baseline): "
                + "median %.3f ms%n", NODES, shape, expectedLinks, RUNS, rtt));
        report.append(String.format("    block to all nodes:       median %.1f ms, p90 %.1f ms (%.0f / %.0f round trips)%n",
                percentile(blockMillis, 50), percentile(blockMillis, 90), percentile(blockMillis, 50) / rtt,
                percentile(blockMillis, 90) / rtt));
        report.append(String.format("    transaction to all nodes: median %.1f ms, p90 %.1f ms (%.0f / %.0f round trips;"
                + " relay batches every 200 ms per hop)%n", percentile(txMillis, 50), percentile(txMillis, 90),
                percentile(txMillis, 50) / rtt, percentile(txMillis, 90) / rtt));
    }

    /** Milliseconds from the first node having the object to the last; waits until all have it. */
    private static double spread(Map<String, long[]> arrivals, String id) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            long[] times = arrivals.get(id);
            if (times != null && Arrays.stream(times).allMatch(t -> t != 0)) {
                return (Arrays.stream(times).max().orElseThrow() - Arrays.stream(times).min().orElseThrow()) / 1e6;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException(id + " did not reach every node within 60 s");
    }

    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the network did not form within 120 s");
            }
            Thread.sleep(50);
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

}
