package net.tallynet.lab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Scenario files are read strictly: every shipped one parses, and each kind of mistake is named. */
class ScenarioReaderTest {
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void everyShippedScenarioReads() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("."))) {
            var shipped = files.filter(f -> f.toString().endsWith(".yml")).toList();
            assertThat(shipped).extracting(f -> f.getFileName().toString())
                    .contains("line-10.yml", "random-20-50ms.yml", "partition-heal.yml", "fast-blocks-forks.yml");
            for (Path file : shipped) {
                Scenario scenario = ScenarioReader.read(file);
                assertThat(scenario.links()).as(file.toString()).isNotEmpty();
                assertThat(scenario.assertions()).as(file.toString()).isNotEmpty();
            }
        }
    }

    @Test
    void aFullScenarioReadsAsWritten() {
        Scenario scenario = read("""
                name: demo
                nodes: 4
                topology: {kind: edges, edges: [[2, 1], [3, 2], [4, 3]]}
                links:
                  latency: 50ms
                  jitter: 5ms
                  loss: 0.01
                  bandwidth: 8mbit
                  overrides:
                    - {between: [3, 4], latency: 300ms}
                mining: {miners: [1, 4], interval: 1.5s}
                payments: {per-second: 2}
                duration: 2m
                timeline:
                  - {at: 50s, heal: true}
                  - {at: 10s, partition: [[1, 2], [3, 4]]}
                  - {at: 60s, add: 2, connect-to: [1]}
                  - {at: 70s, kill: 6}
                assertions:
                  - "all: same tip within 30s"
                  - "node6: height is at least 3 within 20s"
                  - "network: fork rate is at most 0.5"
                node-settings:
                  tallynet.sync.transaction-relay-delay: 10ms
                """);
        assertThat(scenario.links()).hasSize(3);
        assertThat(scenario.links().get(0).shape()).isEqualTo(new LinkShape(Duration.ofMillis(50), Duration.ofMillis(5), 0.01,
                1_000_000));
        assertThat(scenario.links().get(2).shape().latency()).isEqualTo(Duration.ofMillis(300));
        assertThat(scenario.mining().interval()).isEqualTo(Duration.ofMillis(1500));
        assertThat(scenario.payments().from()).containsExactly(1, 4);
        assertThat(scenario.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(scenario.timeline()).extracting(Scenario.Step::at)
                .containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(50), Duration.ofSeconds(60), Duration.ofSeconds(70));
        assertThat(scenario.timeline().get(3)).isEqualTo(new Scenario.NodeAction(Duration.ofSeconds(70), "kill", 6));
        assertThat(scenario.assertions()).extracting(Assertion::kind)
                .containsExactly(Assertion.Kind.SAME_TIP, Assertion.Kind.HEIGHT, Assertion.Kind.FORK_RATE);
        assertThat(scenario.assertions().get(1).within()).isEqualTo(Duration.ofSeconds(20));
        assertThat(scenario.nodeSettings()).containsEntry("tallynet.sync.transaction-relay-delay", "10ms");
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of("nodes: 3\nlinks: {latncy: 5ms}", "links.latncy: unknown key"),
                Arguments.of("nodes: 3\ntopology: star", "topology: line, ring"),
                Arguments.of("nodes: 0", "nodes: a whole number from 1"),
                Arguments.of("nodes: 3\nlinks: {latency: fast}", "links.latency: not a duration"),
                Arguments.of("nodes: 3\nlinks: {bandwidth: 10 parsecs}", "links.bandwidth: not a rate"),
                Arguments.of("nodes: 3\nlinks: {loss: 1.5}", "loss is a fraction"),
                Arguments.of("nodes: 3\nmining: {miners: [4]}", "mining.miners: node numbers run from 1 to 3"),
                Arguments.of("nodes: 3\npayments: {per-second: 1}", "payments need a node with coins"),
                Arguments.of("nodes: 3\nduration: 10s\ntimeline: [{at: 20s, heal: true}]", "after the run's duration"),
                Arguments.of("nodes: 3\ntimeline: [{at: 1s, partition: [[1, 2], [2, 3]]}]", "node 2 is in two groups"),
                Arguments.of("nodes: 3\ntimeline: [{at: 1s, explode: 2}]", "an action: partition"),
                Arguments.of("nodes: 3\nassertions: [\"all: height is tall\"]", "not a known form"),
                Arguments.of("nodes: 3\nassertions: [\"node9: height is at least 1\"]", "node1 to node3"),
                Arguments.of("nodes: 3\nlinks: {overrides: [{between: [1, 3], latency: 1s}]}", "are not linked"),
                Arguments.of("nodes: 3\nnode-settings: {server.port: 1}", "only tallynet.* and logging.*"),
                Arguments.of("nodes: 3\nname: ../../etc", "name: letters, digits"),
                Arguments.of("nodes: 3\nnode-settings: {tallynet.peers.max-outbound: 4}", "is the lab's own"),
                Arguments.of("nodes: 99999999999999999999", "nodes: a whole number"),
                Arguments.of("nodes: 3\nmining: {miners: [99999999999]}", "node numbers run from 1 to 3"),
                // in time order: node4 does not exist yet at 10 s, though its add comes first in the file
                Arguments.of("nodes: 3\ntimeline: [{at: 30s, add: 1, connect-to: [1]}, {at: 10s, kill: 4}]",
                        "timeline[1].kill: a whole number from 1 to 3, not 4"),
                Arguments.of("nodes: 3\nassertions: [\"node99999999999: height is at least 1\"]", "node1 to node3"),
                Arguments.of("nodes: 3\ntimeline: [{at: 1s, heal: false}]", "heal: true"));
    }

    @ParameterizedTest
    @MethodSource("mistakes")
    void aMistakeIsNamed(String text, String message) {
        assertThatThrownBy(() -> read(text)).isInstanceOf(ScenarioException.class).hasMessageContaining(message);
    }

    @Test
    void theTimelineRunsInTimeOrderAndANodeAddedEarlierMayBeNamedLater() {
        Scenario scenario = read("""
                nodes: 3
                timeline:
                  - {at: 40s, kill: 4}
                  - {at: 30s, add: 1, connect-to: [1]}
                assertions:
                  - "network: reorgs is at least 1 within 30s"
                """);
        assertThat(scenario.timeline()).extracting(Scenario.Step::at)
                .containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(40));
        assertThat(scenario.assertions().getFirst().within()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aFileThatIsNotYamlIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("broken.yml"), "nodes: [1, 2\n");
        assertThatThrownBy(() -> ScenarioReader.read(file)).isInstanceOf(ScenarioException.class).hasMessageContaining("not YAML");
    }

    private static Scenario read(String yaml) {
        return ScenarioReader.read("test", YAML.readTree(yaml));
    }
}
