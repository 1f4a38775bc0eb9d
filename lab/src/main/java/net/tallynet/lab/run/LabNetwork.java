package net.tallynet.lab.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import net.tallynet.lab.link.LinkRelay;
import net.tallynet.lab.record.LabRecord;
import net.tallynet.lab.scenario.LinkShape;
import net.tallynet.lab.scenario.Scenario;
import tools.jackson.databind.JsonNode;

/**
 * The run's node processes and the relays between them. A node dials only its seeds, the relays of
 * the links it opens ({@code tallynet.peers.seeds-only}), and waits at most a second between tries,
 * so a link restored after a partition carries blocks again within about a second.
 */
public final class LabNetwork implements AutoCloseable {
    /** Processes started at once: JVM start is CPU-bound; a few at a time is faster in total on two cores. */
    private static final int WAVE = 4;
    private final Path runDir;
    private final NodeCommand command;
    private final NodeApi api;
    private final String token;
    private final LabRecord record;
    private final LabClock clock;
    private final Map<String, String> extraSettings;
    private final PrintStream out;
    private final Ports ports = new Ports();
    private final Map<Integer, LabNode> nodes = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> nodeAtP2pPort = new ConcurrentHashMap<>();
    private final List<LinkRelay> relays = new CopyOnWriteArrayList<>();
    private final List<EventFeed> feeds = new CopyOnWriteArrayList<>();
    /** Set once by {@link #close()}; no node starts after it. */
    private boolean closed;

    LabNetwork(Path runDir, NodeCommand command, NodeApi api, String token, LabRecord record, LabClock clock,
               Map<String, String> extraSettings, PrintStream out) {
        this.runDir = runDir;
        this.command = command;
        this.api = api;
        this.token = token;
        this.record = record;
        this.clock = clock;
        this.extraSettings = extraSettings;
        this.out = out;
    }

    public LabNode node(int id) {
        LabNode node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node" + id);
        }
        return node;
    }

    public Collection<LabNode> nodes() {
        return nodes.values().stream().sorted(java.util.Comparator.comparingInt(LabNode::id)).toList();
    }

    public List<LabNode> live() {
        return nodes().stream().filter(LabNode::live).toList();
    }

    public NodeApi api() {
        return api;
    }

    /** The node's {@code GET /api/chain} (height, bestHash, work), or empty when it does not answer. */
    public Optional<JsonNode> chain(LabNode node) {
        return api.json(node.apiPort(), "/api/chain");
    }

    /**
     * Creates nodes {@code ids} (ports first, so every link can name its target) with their links (a
     * link belongs to the node that dials), starts them in waves and waits until each is ready and
     * has the peers its links give it.
     */
    void add(List<Integer> ids, List<Scenario.Link> links, Set<Integer> miners) throws IOException, InterruptedException {
        Map<Integer, int[]> allocated = new java.util.LinkedHashMap<>();
        for (int id : ids) {
            allocated.put(id, new int[] {ports.next(), ports.next()});
            nodeAtP2pPort.put(allocated.get(id)[0], id);
        }
        for (int id : ids) {
            List<String> seeds = new ArrayList<>();
            for (Scenario.Link link : links) {
                if (link.from() == id) {
                    int target = allocated.containsKey(link.to()) ? allocated.get(link.to())[0] : node(link.to()).p2pPort();
                    LinkRelay relay = new LinkRelay(link.from(), link.to(), target, link.shape());
                    relays.add(relay);
                    seeds.add("127.0.0.1:" + relay.port());
                    record.edge(new LabRecord.Edge(link.from(), link.to()));
                }
            }
            int[] port = allocated.get(id);
            LabNode node = new LabNode(id, port[0], port[1], runDir, command, settings(port[0], port[1], id, seeds));
            nodes.put(id, node);
            record.node(new LabRecord.Node(id, node.name(), port[0], port[1], miners.contains(id)));
        }
        long started = System.nanoTime();
        for (int first = 0; first < ids.size(); first += WAVE) {
            List<Integer> wave = ids.subList(first, Math.min(ids.size(), first + WAVE));
            for (int id : wave) {
                start(node(id));
            }
            for (int id : wave) {
                awaitReady(node(id));
                record.liveness(new LabRecord.Liveness(id, clock.millis(), true));
            }
            out.printf("lab: %d of %d nodes ready (%d s)%n", first + wave.size(), ids.size(),
                    (System.nanoTime() - started) / 1_000_000_000);
        }
        for (int id : ids) {
            LabNode node = node(id);
            node.address(api.json(node.apiPort(), "/api/wallet").map(w -> w.path("address").asString()).orElse(null));
            EventFeed feed = new EventFeed(node, record, clock, api, port -> nodeAtP2pPort.getOrDefault(port, 0));
            feeds.add(feed);
            feed.start();
        }
        awaitLinks(ids, links);
    }

    private List<String> settings(int p2pPort, int apiPort, int id, List<String> seeds) {
        List<String> settings = new ArrayList<>(List.of(
                "--server.port=" + p2pPort, "--server.address=127.0.0.1",
                "--tallynet.api.port=" + apiPort, "--tallynet.api.address=127.0.0.1", "--tallynet.api.token=" + token,
                "--tallynet.data-dir=" + runDir.resolve("nodes").resolve("node" + id),
                // blocks come from the lab's clock (POST /api/blocks/generate), not from hashing: trivial work
                "--tallynet.chain.preset=easy", "--tallynet.mining.enabled=false",
                "--tallynet.advertised-host=127.0.0.1", "--tallynet.advertised-port=" + p2pPort,
                "--tallynet.peers.seeds-only=true", "--tallynet.peers.max-retry-delay=1s",
                "--tallynet.peers.max-outbound=" + Math.max(8, seeds.size()),
                // the lab reads every block and transaction from the event stream, and asks often
                "--tallynet.dashboard.events-per-second=100000",
                "--tallynet.api.rate-limit.requests-per-second=10000", "--tallynet.api.rate-limit.burst=10000"));
        if (!seeds.isEmpty()) {
            settings.add("--tallynet.peers.seeds=" + String.join(",", seeds));
        }
        for (String setting : settings) {
            String key = setting.substring(2, setting.indexOf('='));
            if (!Scenario.LAB_SETTINGS.contains(key)) {
                // a key the lab sets must be one a scenario's node-settings may not repeat (ScenarioReader)
                throw new IllegalStateException(key + " is set by the lab but missing from Scenario.LAB_SETTINGS");
            }
        }
        extraSettings.forEach((key, value) -> settings.add("--" + key + "=" + value));
        return settings;
    }

    /**
     * Starts a node's process, unless the network is closing (Ctrl-C): a process started after
     * {@link #close()} went past it would outlive the lab.
     */
    void start(LabNode node) throws IOException {
        synchronized (this) {
            if (closed) {
                throw new IOException("the lab is stopping");
            }
            node.start();
        }
    }

    /** Ready, or the run stops with the node's last log lines; the deadline is for a hang, a death is seen at once. */
    void awaitReady(LabNode node) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (api.text(node.apiPort(), "/actuator/health/readiness").isEmpty()) {
            if (!node.live() || System.nanoTime() > deadline) {
                throw new IOException(node.name() + (node.live() ? " did not become ready in 180 s" : " exited during start")
                        + "; see " + node.log());
            }
            Thread.sleep(200);
        }
    }

    /** Waits (60 s at most, then goes on with a warning) until each node has a peer for each of its links. */
    private void awaitLinks(List<Integer> ids, List<Scenario.Link> links) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int id : ids) {
            long wanted = links.stream().filter(l -> l.from() == id || l.to() == id).count();
            LabNode node = node(id);
            while (peers(node) < wanted) {
                if (System.nanoTime() > deadline) {
                    out.printf("lab: %s has %d of its %d links after 60 s; going on (see %s)%n", node.name(), peers(node),
                            wanted, node.log());
                    break;
                }
                Thread.sleep(200);
            }
        }
    }

    /** Established node peers, from GET /api/peers. */
    int peers(LabNode node) {
        return api.json(node.apiPort(), "/api/peers").map(list -> {
            int count = 0;
            for (var peer : list) {
                if ("node".equals(peer.path("role").asString())) {
                    count++;
                }
            }
            return count;
        }).orElse(0);
    }

    /** Cuts the links between the groups; nodes in no group keep theirs. */
    void partition(List<Set<Integer>> groups) {
        for (LinkRelay relay : relays) {
            int a = groupOf(groups, relay.from());
            int b = groupOf(groups, relay.to());
            if (a >= 0 && b >= 0 && a != b) {
                relay.cut();
            }
        }
    }

    private static int groupOf(List<Set<Integer>> groups, int node) {
        for (int i = 0; i < groups.size(); i++) {
            if (groups.get(i).contains(node)) {
                return i;
            }
        }
        return -1;
    }

    void heal() {
        relays.forEach(LinkRelay::restore);
    }

    /** Each directed link's bytes so far. */
    void sampleTraffic() {
        long at = clock.millis();
        for (LinkRelay relay : relays) {
            record.traffic(new LabRecord.Traffic(at, relay.from(), relay.to(), relay.bytesFromTo()));
            record.traffic(new LabRecord.Traffic(at, relay.to(), relay.from(), relay.bytesToFrom()));
        }
    }

    String describe() {
        return relays.stream().map(r -> r.from() + "->" + r.to()).collect(Collectors.joining(" "));
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        feeds.forEach(EventFeed::stop);
        List<Thread> stopping = new ArrayList<>();
        for (LabNode node : nodes.values()) {
            stopping.add(Thread.ofVirtual().start(() -> {
                try {
                    node.stop(15);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        relays.forEach(LinkRelay::close);
    }
}
