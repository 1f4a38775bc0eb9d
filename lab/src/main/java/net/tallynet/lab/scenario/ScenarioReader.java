package net.tallynet.lab.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads a scenario file (YAML; README "Lab" gives the format). Strict, as a peer's frame is read: an
 * unknown key, a node number out of range or an action in the past is an error naming its place,
 * never ignored, since a typo that is silently skipped makes an experiment measure something else.
 */
public final class ScenarioReader {
    /** The most nodes a scenario may start: ports, memory and a 2-core machine's patience. */
    static final int MAX_NODES = 64;
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private ScenarioReader() {
    }

    public static Scenario read(Path file) throws IOException {
        String fileName = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (JacksonException e) {
            throw new ScenarioException(file + ": not YAML: " + e.getOriginalMessage());
        }
        return read(fileName, root);
    }

    static Scenario read(String defaultName, JsonNode root) {
        Fields top = Fields.of("scenario", root);
        String name = top.text("name", defaultName);
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ScenarioException("name: letters, digits, '.', '_' and '-' only (it names the report folder): " + name);
        }
        int nodes = top.integer("nodes", 1, MAX_NODES, null);
        Fields linkFields = top.object("links");
        LinkShape shape = shape(linkFields, LinkShape.LOOPBACK);
        List<Topology.Edge> edges = topology(top.get("topology"), nodes);
        List<Scenario.Link> links = new ArrayList<>(edges.stream().map(e -> new Scenario.Link(e.from(), e.to(), shape)).toList());
        overrides(linkFields, links, nodes);
        linkFields.done();
        Scenario.Mining mining = mining(top.object("mining"), nodes);
        Scenario.Payments payments = payments(top.object("payments"), nodes, mining);
        Duration duration = Quantities.duration("duration", top.text("duration", "60s"));
        List<Scenario.Step> timeline = timeline(top.get("timeline"), nodes, duration);
        List<Assertion> assertions = new ArrayList<>();
        int allNodes = nodes + timeline.stream().mapToInt(s -> s instanceof Scenario.AddNodes add ? add.count() : 0).sum();
        for (JsonNode assertion : top.list("assertions")) {
            if (!assertion.isString()) {
                throw new ScenarioException("assertions: each is a line of text, like \"all: same tip within 30s\", not " + assertion);
            }
            assertions.add(Assertion.parse(assertion.asString(), allNodes));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        Fields extra = top.object("node-settings");
        extra.names().forEach(key -> {
            if (!key.startsWith("tallynet.") && !key.startsWith("logging.")) {
                throw new ScenarioException("node-settings: only tallynet.* and logging.* keys, not " + key);
            }
            if (Scenario.LAB_SETTINGS.contains(key)) {
                throw new ScenarioException("node-settings: " + key + " is the lab's own (it builds the network with it)");
            }
            settings.put(key, extra.text(key, null));
        });
        top.done();
        return new Scenario(name, nodes, List.copyOf(links), shape, mining, payments, duration, timeline,
                List.copyOf(assertions), Map.copyOf(settings));
    }

    private static List<Topology.Edge> topology(JsonNode node, int nodes) {
        if (node == null || node.isNull()) {
            return Topology.line(nodes);
        }
        if (node.isString()) {
            return switch (node.asString()) {
                case "line" -> Topology.line(nodes);
                case "ring" -> Topology.ring(nodes);
                default -> throw new ScenarioException("topology: line, ring, or {kind: random|scale-free|edges, ...}, not "
                        + node.asString());
            };
        }
        Fields fields = Fields.of("topology", node);
        String kind = fields.text("kind", null);
        List<Topology.Edge> edges = switch (kind) {
            case "line" -> Topology.line(nodes);
            case "ring" -> Topology.ring(nodes);
            case "random" -> Topology.random(nodes, fields.integer("degree", 1, MAX_NODES, 3), fields.integer("seed", 0,
                    Integer.MAX_VALUE, 1));
            case "scale-free" -> Topology.scaleFree(nodes, fields.integer("links", 1, MAX_NODES, 2), fields.integer("seed", 0,
                    Integer.MAX_VALUE, 1));
            case "edges" -> {
                List<Topology.Edge> listed = new ArrayList<>();
                for (JsonNode pair : fields.list("edges")) {
                    List<Integer> ends = nodeList("topology.edges", pair, nodes);
                    if (ends.size() != 2) {
                        throw new ScenarioException("topology.edges: each edge is [dialler, dialled], not " + pair);
                    }
                    listed.add(new Topology.Edge(ends.get(0), ends.get(1)));
                }
                yield listed;
            }
            default -> throw new ScenarioException("topology.kind: line, ring, random, scale-free or edges, not " + kind);
        };
        fields.done();
        return edges;
    }

    private static LinkShape shape(Fields fields, LinkShape base) {
        return new LinkShape(
                fields.has("latency") ? Quantities.duration(fields.where("latency"), fields.text("latency", null)) : base.latency(),
                fields.has("jitter") ? Quantities.duration(fields.where("jitter"), fields.text("jitter", null)) : base.jitter(),
                fields.has("loss") ? fields.number("loss") : base.loss(),
                fields.has("bandwidth") ? Quantities.bytesPerSecond(fields.where("bandwidth"), fields.text("bandwidth", null))
                        : base.bytesPerSecond());
    }

    /** {@code links.overrides}: [{between: [a, b], latency: ...}, ...] reshape the links joining a and b. */
    private static void overrides(Fields links, List<Scenario.Link> all, int nodes) {
        int index = 0;
        for (JsonNode item : links.list("overrides")) {
            Fields fields = Fields.of("links.overrides[" + index++ + "]", item);
            List<Integer> between = nodeList(fields.where("between"), fields.get("between"), nodes);
            if (between.size() != 2) {
                throw new ScenarioException(fields.where("between") + ": two nodes, not " + between);
            }
            boolean found = false;
            for (int i = 0; i < all.size(); i++) {
                Scenario.Link link = all.get(i);
                if (new Topology.Edge(link.from(), link.to()).joins(between.get(0), between.get(1))) {
                    all.set(i, new Scenario.Link(link.from(), link.to(), shape(fields, link.shape())));
                    found = true;
                }
            }
            if (!found) {
                throw new ScenarioException(fields.where("between") + ": nodes " + between + " are not linked by the topology");
            }
            fields.done();
        }
    }

    private static Scenario.Mining mining(Fields fields, int nodes) {
        List<Integer> miners = fields.has("miners") ? nodeList(fields.where("miners"), fields.get("miners"), nodes) : List.of();
        Duration interval = Quantities.duration(fields.where("interval"), fields.text("interval", "5s"));
        if (interval.toMillis() < 50) {
            throw new ScenarioException(fields.where("interval") + ": at least 50ms");
        }
        fields.done();
        return new Scenario.Mining(miners, interval);
    }

    private static Scenario.Payments payments(Fields fields, int nodes, Scenario.Mining mining) {
        double rate = fields.has("per-second") ? fields.number("per-second") : 0;
        if (rate < 0 || rate > 200) {
            throw new ScenarioException(fields.where("per-second") + ": from 0 to 200");
        }
        List<Integer> from = fields.has("from") ? nodeList(fields.where("from"), fields.get("from"), nodes) : mining.miners();
        if (rate > 0 && from.isEmpty()) {
            throw new ScenarioException(fields.where("from") + ": payments need a node with coins: name them, or some miners");
        }
        fields.done();
        return new Scenario.Payments(rate, from);
    }

    private static List<Scenario.Step> timeline(JsonNode node, int nodes, Duration duration) {
        List<Scenario.Step> steps = new ArrayList<>();
        int added = 0;
        if (node == null || node.isNull()) {
            return steps;
        }
        if (!node.isArray()) {
            throw new ScenarioException("timeline: a list of actions");
        }
        // in time order, as they will run: a node added at 30 s cannot be killed at 10 s, whatever the file's order
        List<Integer> order = new ArrayList<>();
        List<Duration> times = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            Fields fields = Fields.of("timeline[" + i + "]", node.get(i));
            times.add(Quantities.duration(fields.where("at"), fields.text("at", null)));
            order.add(i);
        }
        order.sort(Comparator.comparing(times::get));
        for (int i : order) {
            Fields fields = Fields.of("timeline[" + i + "]", node.get(i));
            Duration at = times.get(i);
            fields.get("at");
            if (at.compareTo(duration) > 0) {
                throw new ScenarioException(fields.where("at") + ": after the run's duration (" + duration.toSeconds() + " s)");
            }
            int known = nodes + added;
            Scenario.Step step;
            if (fields.has("partition")) {
                List<Set<Integer>> groups = new ArrayList<>();
                Set<Integer> seen = new HashSet<>();
                for (JsonNode group : fields.list("partition")) {
                    Set<Integer> members = Set.copyOf(nodeList(fields.where("partition"), group, known));
                    for (int member : members) {
                        if (!seen.add(member)) {
                            throw new ScenarioException(fields.where("partition") + ": node " + member + " is in two groups");
                        }
                    }
                    groups.add(members);
                }
                if (groups.size() < 2) {
                    throw new ScenarioException(fields.where("partition") + ": two groups or more, like [[1, 2], [3, 4]]");
                }
                step = new Scenario.Partition(at, groups);
            } else if (fields.has("heal")) {
                if (!fields.get("heal").asBoolean(false)) {
                    throw new ScenarioException(fields.where("heal") + ": heal: true (or leave the action out)");
                }
                step = new Scenario.Heal(at);
            } else if (fields.has("add")) {
                int count = fields.integer("add", 1, MAX_NODES, null);
                if (known + count > MAX_NODES) {
                    throw new ScenarioException(fields.where("add") + ": at most " + MAX_NODES + " nodes in all");
                }
                List<Integer> targets = nodeList(fields.where("connect-to"), fields.get("connect-to"), known);
                if (targets.isEmpty()) {
                    throw new ScenarioException(fields.where("connect-to") + ": the nodes the new ones dial");
                }
                added += count;
                step = new Scenario.AddNodes(at, count, targets);
            } else {
                step = null;
                for (String signal : List.of("kill", "stop", "restart", "pause", "resume")) {
                    if (fields.has(signal)) {
                        step = new Scenario.NodeAction(at, signal, fields.integer(signal, 1, known, null));
                        break;
                    }
                }
                if (step == null) {
                    throw new ScenarioException(fields.where("") + "an action: partition, heal, kill, stop, restart, pause, "
                            + "resume or add");
                }
            }
            fields.done();
            steps.add(step);
        }
        return List.copyOf(steps);
    }

    /** A node number, a list of them, or {@code all}. */
    private static List<Integer> nodeList(String where, JsonNode node, int nodes) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isString() && node.asString().equals("all")) {
            return IntStream.rangeClosed(1, nodes).boxed().toList();
        }
        List<Integer> list = new ArrayList<>();
        for (JsonNode item : node.isArray() ? node : List.of(node)) {
            if (!item.isInt() || item.asInt() < 1 || item.asInt() > nodes) {
                throw new ScenarioException(where + ": node numbers run from 1 to " + nodes + ", not " + item);
            }
            list.add(item.asInt());
        }
        return List.copyOf(list);
    }
}
