package net.tallynet.node.dashboard;

import static net.tallynet.node.TestNetwork.seed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.tallynet.node.TestNetwork;
import net.tallynet.node.chain.ChainStore;
import net.tallynet.node.mining.Miner;
import net.tallynet.p2p.PeerRegistry;
import net.tallynet.protocol.ledger.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The block arrival metrics (issue 14) on two nodes: a block mined on one is a {@code local} arrival
 * there and a {@code peer} arrival on the other, each node's gauges say when it first connected the
 * block and its number, the delays are connect time less the block's time stamp, and the rendered
 * Prometheus names are the ones README.md lists.
 */
class BlockArrivalMetricsTest {
    private static final String SEEN = "tallynet.block.first.seen.timestamp";
    private static final String HEIGHT = "tallynet.block.first.seen.height";
    private static final String DELAY = "tallynet.block.arrival.delay";

    @TempDir
    Path dir;

    @Test
    void aMinedBlockIsALocalArrivalWhereMinedAndAPeerArrivalWhereRelayed() throws Exception {
        try (TestNetwork network = new TestNetwork(dir)) {
            ConfigurableApplicationContext miner = network.node("miner");
            ConfigurableApplicationContext relay = network.node("relay", seed(miner));
            // both ends: the miner announces only to peers whose handshake it has finished
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.getBean(PeerRegistry.class).established().size() == 1
                    && miner.getBean(PeerRegistry.class).established().size() == 1);
            assertThat(gauge(miner, SEEN)).as("before any block since start").isNaN();

            long before = System.currentTimeMillis();
            String hash = miner.getBean(Miner.class).generate(1, null).getFirst();
            long after = System.currentTimeMillis();
            Block block = miner.getBean(ChainStore.class).block(hash).orElseThrow();
            await().atMost(Duration.ofSeconds(30)).until(() -> gauge(relay, HEIGHT) == block.number());

            long minedSeen = firstSeen(miner, block, "local");
            assertThat(minedSeen).isBetween(before, after);
            long relayedSeen = firstSeen(relay, block, "peer");
            assertThat(relayedSeen).as("relayed after mined (one clock)").isGreaterThanOrEqualTo(minedSeen)
                    .isLessThanOrEqualTo(System.currentTimeMillis());

            String exposition = scrape(relay);
            assertThat(sample(exposition, "tallynet_block_first_seen_timestamp_seconds"))
                    .as("epoch seconds to the millisecond").isCloseTo(relayedSeen / 1000.0, within(0.0005));
            assertThat(sample(exposition, "tallynet_block_first_seen_height")).isEqualTo(block.number());
            assertThat(sample(exposition, "tallynet_block_arrival_delay_seconds_count", "source=\"peer\"")).isEqualTo(1);
            assertThat(sample(exposition, "tallynet_block_arrival_delay_seconds_count", "source=\"local\"")).isZero();
            assertThat(sample(exposition, "tallynet_block_arrival_delay_seconds_bucket", "source=\"peer\"", "le=\"+Inf\""))
                    .isEqualTo(1);
        }
    }

    /**
     * Checks one node's meters against its dashboard arrival of {@code block} (the same record feeds
     * both) and returns when the node first saw it, epoch millis.
     */
    private static long firstSeen(ConfigurableApplicationContext node, Block block, String source) {
        BlockArrivals.Arrival arrival = node.getBean(BlockArrivals.class).recent().getFirst();
        assertThat(arrival.hash()).isEqualTo(block.hash());
        long seen = Math.round(gauge(node, SEEN) * 1000);
        assertThat(seen).as(source + ": first seen").isEqualTo(arrival.seenAt().toEpochMilli());
        assertThat(gauge(node, HEIGHT)).as(source + ": height").isEqualTo(block.number());
        MeterRegistry meters = node.getBean(MeterRegistry.class);
        var delay = meters.get(DELAY).tag("source", source).timer();
        assertThat(delay.count()).as(source + ": arrivals").isEqualTo(1);
        assertThat(delay.totalTime(TimeUnit.MILLISECONDS)).as(source + ": delay")
                .isEqualTo((double) Math.max(0, seen - block.time()));
        String other = source.equals("local") ? "peer" : "local";
        assertThat(meters.get(DELAY).tag("source", other).timer().count()).as(other + " on the " + source + " node").isZero();
        return seen;
    }

    @Test
    void aNegativeDelayCountsAsNoneAndAnEarlierArrivalReportedLateLeavesTheGauges() {
        MeterRegistry meters = new SimpleMeterRegistry();
        BlockArrivalMetrics metrics = new BlockArrivalMetrics(meters);
        assertThat(meters.get(HEIGHT).gauge().value()).isNaN();

        Instant now = Instant.parse("2026-12-04T12:00:00.123Z");
        metrics.arrived(arrival(7, now, -250), true); // the miner's clock 250 ms ahead of ours
        // another thread's earlier connect, told last: its time is when it was told (NodeEvents), so the later one
        metrics.arrived(arrival(6, now.plusMillis(5), 40), false);

        assertThat(meters.get(HEIGHT).gauge().value()).isEqualTo(7);
        assertThat(meters.get(SEEN).gauge().value()).isEqualTo(1796385600.123);
        // another block at that height (a branch of more work in as many blocks): of the two, the one told last
        metrics.arrived(new BlockArrivals.Arrival(7, "another7", 1, now.plusMillis(9), 0, "this node", null), false);
        assertThat(meters.get(SEEN).gauge().value()).isEqualTo(1796385600.132);
        var fromPeers = meters.get(DELAY).tag("source", "peer").timer();
        assertThat(fromPeers.count()).isEqualTo(1);
        assertThat(fromPeers.totalTime(TimeUnit.MILLISECONDS)).isZero();
        assertThat(meters.get(DELAY).tag("source", "local").timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40);
    }

    private static BlockArrivals.Arrival arrival(long number, Instant seenAt, long delayMillis) {
        return new BlockArrivals.Arrival(number, "hash" + number, 1, seenAt, delayMillis, "this node", null);
    }

    private static double gauge(ConfigurableApplicationContext node, String name) {
        return node.getBean(MeterRegistry.class).get(name).gauge().value();
    }

    private static String scrape(ConfigurableApplicationContext node) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + TestNetwork.apiPort(node) + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        }
    }

    /** The value of the one sample named {@code name} whose labels include all of {@code labels}. */
    private static double sample(String exposition, String name, String... labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$").matcher(exposition);
        Double value = null;
        while (m.find()) {
            String found = m.group(1);
            if (Arrays.stream(labels).allMatch(found::contains)) {
                assertThat(value).as("one %s sample with %s in:%n%s", name, List.of(labels), exposition).isNull();
                value = Double.parseDouble(m.group(2));
            }
        }
        assertThat(value).as("a %s sample with %s in:%n%s", name, List.of(labels), exposition).isNotNull();
        return value;
    }
}
