package net.tallynet.lab.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.tallynet.lab.record.LabRecord.Edge;
import net.tallynet.lab.record.LabRecord.Node;
import net.tallynet.lab.record.LabRecord.Snapshot;

/**
 * The run as SimBlock's event log (output.json) and region list (static.json), so SimBlock's visualizer can
 * replay it. Every node sits in one region, LOOPBACK: the lab's nodes all run on this machine. Partitions and
 * heals are not logged as link changes: the visualizer shows them anyway as blocks that stop flowing.
 */
final class SimBlockLog {
    /** Sorts events that share a time: the start first, the end last. */
    private enum Order { START, TOPOLOGY, FLOW, END }

    private record Event(long time, Order order, Map<String, Object> json) {
    }

    private record Region(int id, String name) {
    }

    /** static.json: {@code {"region": [...]}}. */
    private record Regions(List<Region> region) {
    }

    private SimBlockLog() {
    }

    static void write(Snapshot run, Propagation p, Path folder) throws IOException {
        List<Event> events = new ArrayList<>();
        events.add(event(0, Order.START, "simulation-start", "timestamp", 0L));
        for (Node n : run.nodes()) {
            events.add(event(0, Order.TOPOLOGY, "add-node", "timestamp", 0L, "node-id", n.id(), "region-id", 0));
        }
        for (Edge e : run.edges()) {
            events.add(event(0, Order.TOPOLOGY, "add-link", "timestamp", 0L, "begin-node-id", e.from(),
                    "end-node-id", e.to()));
        }
        long end = run.durationMillis();
        for (Propagation.Arrival a : p.arrivals()) {
            if (a.fromNode() <= 0) {
                continue; // mined there, or the sender is not known: nothing to draw
            }
            // the sender sent it once it had it; if the log has no time for that, use the mined time. A sender
            // logging it after the receiver did (clock noise) would make the flow run backwards: cap at reception
            long sent = Math.min(p.firstHad(a.block().mined().hash(), a.fromNode()).orElse(a.block().mined().at()),
                    a.seenAt());
            events.add(event(sent, Order.FLOW, "flow-block", "transmission-timestamp", sent,
                    "reception-timestamp", a.seenAt(), "begin-node-id", a.fromNode(), "end-node-id", a.node(),
                    "block-id", a.block().id()));
            end = Math.max(end, a.seenAt()); // the replay must not end before the last block lands
        }
        events.add(event(end, Order.END, "simulation-end", "timestamp", end));
        events.sort(Comparator.comparingLong(Event::time).thenComparing(Event::order));
        Json.write(folder.resolve("output.json"), events.stream().map(Event::json).toList());
        Json.write(folder.resolve("static.json"), new Regions(List.of(new Region(0, "LOOPBACK"))));
    }

    /** {@code {"kind": kind, "content": {key: value, ...}}}, keys in the order given. */
    private static Event event(long time, Order order, String kind, Object... content) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < content.length; i += 2) {
            fields.put((String) content[i], content[i + 1]);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", kind);
        json.put("content", fields);
        return new Event(time, order, json);
    }
}
