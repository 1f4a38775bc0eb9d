package net.tallynet.lab.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.tallynet.lab.LabMain;
import net.tallynet.lab.scenario.Scenario;
import net.tallynet.lab.scenario.ScenarioReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The lab end to end, as ./tallynet lab runs it: real node processes started the devnet's way (the
 * node jar this build packaged), real relays, a partition and heal, pause, kill, restart and a node
 * added; then the report it writes, and a scenario that must fail does.
 */
class LabRunTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path NODE_JAR = ROOT.resolve("node-service/target/app/app.jar");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void aPartitionedNetworkHealsAndTheReportSaysWhatHappened() throws Exception {
        Scenario scenario = ScenarioReader.read(Path.of("src/test/resources/five-nodes-partition.yml"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Lab.Result result;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            result = Lab.run(scenario, NodeCommand.devnet(ROOT, NODE_JAR), dir, new TeePrintStream(out));
        }
        String log = printed.toString(StandardCharsets.UTF_8);
        assertThat(result.outcomes()).as(log).hasSize(5).allMatch(o -> o.passed());
        assertThat(result.passed()).isTrue();
        assertThat(log).contains("partition 1,2 | 3,4,5", "pause node4", "pause node2", "resume node2", "restart node4", "heal",
                "kill node3", "restart node3", "add node6");

        for (String file : List.of("index.html", "summary.json", "blocks.csv", "block_arrivals.csv", "transactions.csv",
                "reorgs.csv", "bandwidth.csv", "actions.csv", "assertions.csv", "output.json", "static.json",
                "propagation-cdf.png", "propagation-cdf.svg", "block-coverage.png", "forks.png", "throughput.png", "bandwidth.png")) {
            assertThat(dir.resolve(file)).as(file).isNotEmptyFile();
        }
        JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
        assertThat(summary.path("nodes").asInt()).isEqualTo(6);
        assertThat(summary.path("links").asInt()).isEqualTo(5);
        assertThat(summary.path("blocks_mined").asInt()).isGreaterThanOrEqualTo(10);
        assertThat(summary.path("stale_blocks").asInt()).as("both halves mined; one half's blocks lost").isGreaterThanOrEqualTo(1);
        assertThat(summary.path("fork_rate").asDouble()).isBetween(0.0, 0.9);
        assertThat(summary.path("max_reorg_depth").asInt()).isBetween(1, 30);
        // a block reaches all five of a 10 ms line in well under the run, however busy the machine
        assertThat(summary.path("block_t90_median_ms").asLong()).isBetween(1L, 20_000L);
        assertThat(summary.path("assertions_failed").asInt()).isZero();
        assertThat(Files.readAllLines(dir.resolve("actions.csv"))).hasSize(1 + 9);
        JsonNode events = JSON.readTree(dir.resolve("output.json").toFile());
        assertThat(events.get(0).path("kind").asString()).isEqualTo("simulation-start");
        assertThat(events.valueStream().filter(e -> e.path("kind").asString().equals("flow-block")).count())
                .as("blocks went from node to node").isGreaterThanOrEqualTo(20);
        long bytes = Files.readAllLines(dir.resolve("bandwidth.csv")).stream().skip(1)
                .mapToLong(line -> Long.parseLong(line.split(",")[1])).sum();
        assertThat(bytes).as("the relays counted what the links carried").isGreaterThan(10_000);
        assertThat(Files.readString(dir.resolve("index.html"))).contains("five-nodes-partition", "same tip", "forks.png");
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> String.join(" ", a)
                .contains(dir.toString())).orElse(false)).count()).as("every node process stopped").isZero();
    }

    @Test
    void aScenarioWhoseAssertionFailsExitsOneAndNamesIt() throws Exception {
        Path out = dir.resolve("report");
        int exit = LabMain.run(ROOT, NODE_JAR, "src/test/resources/must-fail.yml", "--out", out.toString());
        assertThat(exit).isEqualTo(1);
        assertThat(Files.readString(out.resolve("assertions.csv"))).contains("all: height is at least 1000 within 2s,false");
        assertThat(Files.readString(out.resolve("index.html"))).contains("height is at least 1000");
    }

    @Test
    void aBrokenScenarioExitsTwoBeforeStartingAnything() throws Exception {
        Path file = Files.writeString(dir.resolve("broken.yml"), "nodes: 3\nlinks: {latency: soon}\n");
        assertThat(LabMain.run(ROOT, NODE_JAR, file.toString())).isEqualTo(2);
        assertThat(LabMain.run(ROOT, NODE_JAR, "no-such-scenario")).isEqualTo(2);
    }

    /** Prints to the test's output as well, so a failing run's progress is in the surefire report. */
    private static final class TeePrintStream extends PrintStream {
        TeePrintStream(PrintStream captured) {
            super(new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    captured.write(b);
                    System.out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    captured.write(b, off, len);
                    System.out.write(b, off, len);
                }
            }, true, StandardCharsets.UTF_8);
        }
    }
}
