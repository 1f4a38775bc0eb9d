package net.tallynet.lab.run;

import java.io.PrintStream;
import java.util.List;
import java.util.stream.Collectors;
import net.tallynet.lab.record.LabRecord;
import net.tallynet.lab.scenario.Scenario;

/** Carries out the scenario's timeline, each action at its time, and records what was done. */
final class Timeline {
    private final List<Scenario.Step> steps;
    private final LabNetwork network;
    private final LabRecord record;
    private final LabClock clock;
    private final PrintStream out;
    private int nextNode;

    Timeline(Scenario scenario, LabNetwork network, LabRecord record, LabClock clock, PrintStream out) {
        this.steps = scenario.timeline();
        this.network = network;
        this.record = record;
        this.clock = clock;
        this.out = out;
        this.nextNode = scenario.nodes() + 1;
    }

    /** Runs the steps (sorted by time) on this thread; returns after the last. */
    void run(Scenario scenario) throws Exception {
        for (Scenario.Step step : steps) {
            long wait = step.at().toMillis() - clock.millis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            long started = clock.millis();
            String text = perform(step, scenario, started);
            // dated when it began: a restart or an added node takes seconds to be ready
            record.action(new LabRecord.Action(started, text));
            long took = clock.millis() - started;
            out.printf("lab: t=%.1f s  %s%s%n", started / 1000.0, text, took < 1000 ? "" : " (done in %.1f s)".formatted(took / 1000.0));
        }
    }

    private String perform(Scenario.Step step, Scenario scenario, long started) throws Exception {
        return switch (step) {
            case Scenario.Partition partition -> {
                network.partition(partition.groups());
                yield "partition " + partition.groups().stream().map(g -> g.stream().sorted().map(String::valueOf)
                        .collect(Collectors.joining(","))).collect(Collectors.joining(" | "));
            }
            case Scenario.Heal heal -> {
                network.heal();
                yield "heal";
            }
            case Scenario.NodeAction action -> {
                LabNode node = network.node(action.node());
                switch (action.signal()) {
                    case "kill" -> node.kill();
                    case "stop" -> node.stop(30);
                    case "pause" -> node.pause();
                    case "resume" -> node.resume();
                    default -> {
                        // a paused node is not live but still holds its ports and data: stop it first too
                        if (node.state() != LabNode.State.STOPPED) {
                            node.stop(30);
                        }
                        network.start(node);
                        network.awaitReady(node);
                    }
                }
                boolean up = action.signal().equals("restart") || action.signal().equals("resume");
                record.liveness(new LabRecord.Liveness(node.id(), up ? clock.millis() : started, up));
                yield action.signal() + " " + node.name();
            }
            case Scenario.AddNodes add -> {
                List<Integer> ids = new java.util.ArrayList<>();
                List<Scenario.Link> links = new java.util.ArrayList<>();
                for (int i = 0; i < add.count(); i++) {
                    int id = nextNode++;
                    ids.add(id);
                    for (int target : add.connectTo()) {
                        links.add(new Scenario.Link(id, target, scenario.defaultShape()));
                    }
                }
                network.add(ids, links, java.util.Set.of());
                yield "add " + ids.stream().map(id -> "node" + id).collect(Collectors.joining(",")) + " dialling "
                        + add.connectTo();
            }
        };
    }
}
