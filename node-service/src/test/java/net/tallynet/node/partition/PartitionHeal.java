package net.tallynet.node.partition;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import net.tallynet.node.NodeProcess;
import net.tallynet.node.crash.StoredChainCheck;
import tools.jackson.databind.JsonNode;

/**
 * Six node processes, two halves of three, linked only through {@link LinkRelay}s (no tracker, no
 * advertised address: a node dials its two seeds, both relays, and learns no other address). Each
 * node {@code i} dials {@code i+1} and {@code i+2} (mod 6), so each half is a triangle and six links
 * cross between the halves. A round cuts the crossing links, has one miner per half pay the wallet of
 * a node in its half and mine a branch (of different lengths: the easy chain's work is its length),
 * waits until each half agrees on its own tip, heals, and times until all six are on the branch with
 * more work. Then each node's wallet balance must be what that chain implies for its address (read
 * block by block over REST: the API shows no unspent outputs but a wallet's), and every link must be
 * back, through its relay. After the rounds the nodes stop and their stored unspent outputs are
 * compared, file against file ({@link StoredChainCheck}).
 */
final class PartitionHeal implements AutoCloseable {
    static final int NODES = 6;
    private static final String TOKEN = "partition-heal-token";
    private static final Duration CONVERGE_LIMIT = Duration.ofSeconds(60);

    /** A node dialling another; its relay listens on {@code 127.(21+to).(1+from).1}, one netgroup per target. */
    private record Link(int from, int to) {
        boolean crosses() {
            return half(from) != half(to);
        }

        String host() {
            return "127." + (21 + to) + "." + (1 + from) + ".1";
        }
    }

    /** One partition and heal: how long all six took to agree after the heal, and how many blocks the losing half undid. */
    record Round(int number, Duration toConverge, long reorgDepth) {
    }

    /**
     * The rounds that converged, the time the six took to start and link up, the dials the relays held
     * while cut, and the nodes' stored unspent outputs compared at the end.
     */
    record Tally(int rounds, List<Round> converged, Duration startup, int heldDials, StoredChainCheck.Summary stored) {
        @Override
        public String toString() {
            List<Long> millis = converged.stream().map(r -> r.toConverge().toMillis()).sorted().toList();
            List<Long> depths = converged.stream().map(Round::reorgDepth).sorted().toList();
            return """
                    Partition and heal (6 node processes, halves of 3 cut apart by TCP relays on loopback)
                    six nodes started and linked in      %d s
                    rounds converged                     %d of %d
                    time to converge after the heal      median %d ms, max %d ms
                    reorganisation depth (losing half)   median %d, max %d blocks
                    dials held by a cut, let through     %d
                    stored unspent outputs               %s
                    """.formatted(startup.toSeconds(), converged.size(), rounds, median(millis), max(millis), median(depths),
                    max(depths), heldDials,
                    stored == null ? "not compared" : "same on all 6 at #" + stored.height() + ": " + stored.utxos()
                            + " outputs, digest " + stored.digest().substring(0, 16));
        }

        private static long median(List<Long> sorted) {
            return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
        }

        private static long max(List<Long> sorted) {
            return sorted.isEmpty() ? 0 : sorted.getLast();
        }
    }

    private final Path dir;
    private final int[] ports = new int[NODES];
    private final Process[] processes = new Process[NODES];
    private final String[] wallets = new String[NODES];
    private final Map<Link, LinkRelay> relays = new HashMap<>();
    private final Set<String> relayHosts = new HashSet<>();

    PartitionHeal(Path dir) throws Exception {
        this.dir = dir;
        for (int i = 0; i < NODES; i++) {
            ports[i] = NodeProcess.freePort();
        }
        for (int i = 0; i < NODES; i++) {
            for (int step = 1; step <= 2; step++) {
                Link link = new Link(i, (i + step) % NODES);
                LinkRelay relay = new LinkRelay(link.host(), ports[link.to()]);
                relays.put(link, relay);
                relayHosts.add(relay.host());
            }
        }
    }

    /** Starts the six together and waits for every link, then gives both miners mature coins on one shared chain. */
    void start() throws Exception {
        for (int i = 0; i < NODES; i++) {
            int node = i;
            String seeds = String.join(",", relays.entrySet().stream().filter(e -> e.getKey().from() == node)
                    .map(e -> e.getValue().address()).sorted().toList());
            // C1 only and small heaps: six JVMs start at once on a small machine and mine the easy chain.
            // A short connect interval: a node redials a healed link within a second. One outbound peer per
            // netgroup, the default: each relay a node dials is in a netgroup of its own.
            processes[i] = NodeProcess.start(dir.resolve("node" + i), ports[i], List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"),
                    Map.of(), "--tallynet.api.token=" + TOKEN, "--tallynet.peers.seeds=" + seeds,
                    "--tallynet.peers.connect-interval=1s", "--tallynet.peers.max-outbound-per-netgroup=1");
        }
        for (int i = 0; i < NODES; i++) {
            int node = i;
            // generous: six JVMs starting at once on a shared 2-core machine took up to 3 minutes
            await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .failFast("node " + node + " exited; its log is in " + dir.resolve("node" + node), () -> !processes[node].isAlive())
                    .until(() -> NodeProcess.get(ports[node], "/actuator/health/readiness").statusCode() == 200);
            wallets[i] = NodeProcess.json(NodeProcess.get(ports[i], "/api/wallet")).get("address").asString();
        }
        long ready = System.nanoTime();
        awaitLinks(relays.keySet());
        System.out.printf("all six ready; every link up %d ms later%n", (System.nanoTime() - ready) / 1_000_000);
        for (int miner : List.of(0, NODES / 2)) { // the coinbase matures after 2 blocks
            String tip = generate(miner, 3);
            awaitTip(IntStream.range(0, NODES), tip, CONVERGE_LIMIT);
        }
    }

    /** One partition, a branch mined on each side, one heal; throws when the six do not converge or disagree after. */
    Round round(int number) throws Exception {
        List<Link> crossing = relays.keySet().stream().filter(Link::crosses).toList();
        List<Link> inside = relays.keySet().stream().filter(l -> !l.crosses()).toList();
        crossing.forEach(link -> relays.get(link).cut());
        awaitLinks(inside);

        // each half: a payment from its miner to a node of its half, then a branch; the first half's is longer in odd rounds
        int shorter = 1 + number % 3;
        int longer = shorter + 1 + number / 2 % 2;
        int[] lengths = number % 2 == 1 ? new int[] {longer, shorter} : new int[] {shorter, longer};
        String[] tips = new String[2];
        List<String> payments = new ArrayList<>();
        for (int h = 0; h < 2; h++) {
            int miner = h * NODES / 2;
            int payee = miner + 1 + number % 2;
            payments.add(pay(miner, wallets[payee], 1000 + number));
            tips[h] = generate(miner, lengths[h]);
        }
        for (int h = 0; h < 2; h++) {
            awaitTip(IntStream.range(h * NODES / 2, (h + 1) * NODES / 2), tips[h], CONVERGE_LIMIT);
        }
        int winner = lengths[0] > lengths[1] ? 0 : 1;

        long healed = System.nanoTime();
        crossing.forEach(link -> relays.get(link).heal());
        awaitTip(IntStream.range(0, NODES), tips[winner], CONVERGE_LIMIT);
        Duration toConverge = Duration.ofNanos(System.nanoTime() - healed);

        checkWallets();
        // the winning half's payment is in a block of the chain all six now share
        String paid = NodeProcess.json(NodeProcess.get(ports[winner * NODES / 2], "/api/transactions/" + payments.get(winner)))
                .path("blockHash").asString("");
        for (int i = 0; i < NODES; i++) {
            JsonNode seen = NodeProcess.json(NodeProcess.get(ports[i], "/api/transactions/" + payments.get(winner)));
            check(!paid.isEmpty() && paid.equals(seen.path("blockHash").asString("")) && seen.path("confirmations").asLong() > 0,
                    "node " + i + " does not have payment " + payments.get(winner) + " in block " + paid + ": " + seen);
        }
        awaitLinks(relays.keySet());
        return new Round(number, toConverge, lengths[1 - winner]);
    }

    /** Runs {@code rounds} rounds, then stops the nodes and compares their stored unspent outputs. */
    Tally run(int rounds) throws Exception {
        long started = System.nanoTime();
        start();
        Duration startup = Duration.ofNanos(System.nanoTime() - started);
        List<Round> converged = new ArrayList<>();
        for (int number = 1; number <= rounds; number++) {
            try {
                converged.add(round(number));
            } catch (AssertionError | org.awaitility.core.ConditionTimeoutException e) {
                System.out.println("round " + number + " failed: " + e.getMessage());
                return new Tally(rounds, converged, startup, heldDials(), null);
            }
            Round round = converged.getLast();
            System.out.printf("round %d: converged %d ms after the heal, the losing half undid %d blocks%n", number,
                    round.toConverge().toMillis(), round.reorgDepth());
        }
        return new Tally(rounds, converged, startup, heldDials(), stopAndCompareStored());
    }

    /** Stops all six (SIGTERM) and checks each one's files; the summaries must be the same. */
    StoredChainCheck.Summary stopAndCompareStored() throws Exception {
        stopNodes();
        StoredChainCheck.Summary first = null;
        for (int i = 0; i < NODES; i++) {
            StoredChainCheck.Summary stored = StoredChainCheck.verify(dir.resolve("node" + i));
            check(first == null || first.equals(stored), "node " + i + " stored " + stored + ", node 0 " + first);
            first = stored;
        }
        return first;
    }

    @Override
    public void close() throws Exception {
        stopNodes();
        relays.values().forEach(LinkRelay::close);
    }

    private void stopNodes() throws InterruptedException {
        for (Process process : processes) {
            if (process != null) {
                process.destroy();
            }
        }
        for (Process process : processes) {
            if (process != null && process.isAlive()) {
                NodeProcess.stop(process, Duration.ofSeconds(30));
            }
        }
    }

    private int heldDials() {
        return relays.values().stream().mapToInt(LinkRelay::held).sum();
    }

    private static int half(int node) {
        return node < NODES / 2 ? 0 : 1;
    }

    /**
     * Waits until every node's peers are exactly the ends of {@code links} that touch it, each seen at a
     * relay's address: no node reaches another but through a relay, and none across a cut.
     */
    private void awaitLinks(java.util.Collection<Link> links) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            for (int i = 0; i < NODES; i++) {
                int node = i;
                long expected = links.stream().filter(l -> l.from() == node || l.to() == node).count();
                List<JsonNode> peers = new ArrayList<>();
                NodeProcess.json(NodeProcess.get(ports[i], "/api/peers")).forEach(peers::add);
                Set<String> hosts = new HashSet<>();
                peers.forEach(p -> hosts.add(p.get("host").asString()));
                Set<String> allowed = new HashSet<>();
                links.stream().filter(l -> l.from() == node || l.to() == node).forEach(l -> allowed.add(l.host()));
                check(relayHosts.containsAll(hosts), "node " + i + " has a peer not behind a relay: " + hosts);
                check(peers.size() == expected && allowed.equals(hosts), "node " + i + " has peers " + hosts + ", not " + allowed);
            }
        });
    }

    private void awaitTip(IntStream nodes, String tip, Duration limit) {
        int[] which = nodes.toArray();
        await().atMost(limit).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            for (int i : which) {
                String best = NodeProcess.chain(ports[i]).get("bestHash").asString();
                check(tip.equals(best), "node " + i + " is on " + best + ", not " + tip);
            }
        });
    }

    /** Each node's wallet balance against what the shared best chain implies for its address, read block by block. */
    private void checkWallets() {
        long height = NodeProcess.chain(ports[0]).get("height").asLong();
        Map<String, JsonNode> unspent = new HashMap<>();
        for (long n = 1; n <= height; n++) { // the genesis coinbase is never connected: it creates nothing spendable
            for (JsonNode tx : NodeProcess.json(NodeProcess.get(ports[0], "/api/blocks/" + n)).get("transactions")) {
                for (JsonNode input : tx.get("inputs")) {
                    unspent.remove(input.get("txId").asString() + ":" + input.get("index").asLong());
                }
                for (int o = 0; o < tx.get("outputs").size(); o++) {
                    unspent.put(tx.get("id").asString() + ":" + o, tx.get("outputs").get(o));
                }
            }
        }
        for (int i = 0; i < NODES; i++) {
            String address = wallets[i];
            long implied = unspent.values().stream().filter(o -> address.equals(o.get("address").asString()))
                    .mapToLong(o -> o.get("amount").asLong()).sum();
            long balance = NodeProcess.json(NodeProcess.get(ports[i], "/api/wallet")).get("balance").asLong();
            check(balance == implied, "node " + i + " shows a balance of " + balance + ", the chain implies " + implied);
        }
    }

    private String generate(int node, int count) {
        var response = NodeProcess.post(ports[node], "/api/blocks/generate", TOKEN, "{\"count\":" + count + "}");
        check(response.statusCode() == 200, "node " + node + " could not mine: " + response.body());
        return NodeProcess.json(response).get("hashes").get(count - 1).asString();
    }

    private String pay(int node, String to, long amount) {
        var response = NodeProcess.post(ports[node], "/api/payments", TOKEN,
                "{\"to\":\"" + to + "\",\"amount\":" + amount + ",\"fee\":100}");
        check(response.statusCode() == 200, "node " + node + " could not pay: " + response.body());
        return NodeProcess.json(response).get("id").asString();
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            throw new AssertionError(failure);
        }
    }
}
