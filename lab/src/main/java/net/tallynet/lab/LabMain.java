package net.tallynet.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import net.tallynet.lab.run.Lab;
import net.tallynet.lab.run.NodeCommand;
import net.tallynet.lab.scenario.Scenario;
import net.tallynet.lab.scenario.ScenarioException;
import net.tallynet.lab.scenario.ScenarioReader;

/**
 * {@code ./tallynet lab SCENARIO [--out DIR]}: runs a scenario file (or one shipped in lab/, by name)
 * and writes its report. Exit 0 when every assertion held, 1 when one failed (named), 2 for a
 * scenario or usage error, 3 when the run itself could not go on.
 */
public final class LabMain {
    private LabMain() {
    }

    public static void main(String[] args) {
        Path root = Path.of(System.getProperty("tallynet.root", ".")).toAbsolutePath().normalize();
        Path jar = Path.of(System.getProperty("tallynet.node-jar", root.resolve("node-service/target/app/app.jar").toString()));
        System.exit(run(root, jar, args));
    }

    /** Runs the lab for the project at {@code root} with the node jar {@code jar}; returns the exit code. */
    public static int run(Path root, Path jar, String... args) {
        String scenarioArg = null;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]).toAbsolutePath();
            } else if (args[i].startsWith("-") || scenarioArg != null) {
                return usage("unknown argument " + args[i]);
            } else {
                scenarioArg = args[i];
            }
        }
        if (scenarioArg == null) {
            return usage("which scenario?");
        }
        Path file = Path.of(scenarioArg);
        if (!Files.isRegularFile(file)) {
            file = root.resolve("lab").resolve(scenarioArg.endsWith(".yml") ? scenarioArg : scenarioArg + ".yml");
        }
        if (!Files.isRegularFile(file)) {
            return usage("no scenario file " + scenarioArg + " (nor lab/" + scenarioArg + ".yml)");
        }
        try {
            Scenario scenario = ScenarioReader.read(file);
            if (out == null) {
                out = root.resolve("lab-runs").resolve(scenario.name() + "-"
                        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            }
            if (Files.exists(out) && !isEmpty(out)) {
                return usage("the report folder " + out + " is not empty");
            }
            Files.createDirectories(out);
            Lab.Result result = Lab.run(scenario, NodeCommand.devnet(root, jar), out, System.out);
            System.out.println("lab: report " + result.report());
            if (!result.passed()) {
                result.outcomes().stream().filter(o -> !o.passed())
                        .forEach(o -> System.out.println("lab: failed assertion: " + o.assertion() + " (" + o.detail() + ")"));
                return 1;
            }
            System.out.println("lab: every assertion held (" + result.outcomes().size() + ")");
            return 0;
        } catch (ScenarioException e) {
            System.err.println("lab: " + file + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("lab: the run stopped: " + e);
            return 3;
        }
    }

    private static boolean isEmpty(Path dir) throws java.io.IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static int usage(String problem) {
        System.err.println("lab: " + problem);
        System.err.println("usage: ./tallynet lab SCENARIO [--out DIR]   (SCENARIO: a .yml file, or a name from lab/: "
                + "line-10, random-20-50ms, partition-heal, fast-blocks-forks)");
        return 2;
    }
}
