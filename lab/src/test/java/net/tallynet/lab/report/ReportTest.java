package net.tallynet.lab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.tallynet.lab.record.LabRecord.Action;
import net.tallynet.lab.record.LabRecord.BlockMined;
import net.tallynet.lab.record.LabRecord.BlockSeen;
import net.tallynet.lab.record.LabRecord.Edge;
import net.tallynet.lab.record.LabRecord.Liveness;
import net.tallynet.lab.record.LabRecord.Node;
import net.tallynet.lab.record.LabRecord.Outcome;
import net.tallynet.lab.record.LabRecord.Reorg;
import net.tallynet.lab.record.LabRecord.Snapshot;
import net.tallynet.lab.record.LabRecord.Traffic;
import net.tallynet.lab.record.LabRecord.TransactionSeen;
import net.tallynet.lab.record.LabRecord.TransactionSent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ReportTest {
    private static final List<String> FILES = List.of("blocks.csv", "block_arrivals.csv", "transactions.csv",
            "reorgs.csv", "actions.csv", "assertions.csv", "bandwidth.csv", "summary.json", "index.html",
            "output.json", "static.json");
    private static final List<String> PLOTS = List.of("propagation-cdf", "block-coverage", "forks", "throughput",
            "bandwidth");
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path folder;

    @Test
    void writesEveryFileOfARun() throws IOException {
        Report.write(run(), folder);

        for (String name : FILES) {
            assertThat(folder.resolve(name)).isNotEmptyFile();
        }
        for (String plot : PLOTS) {
            assertThat(Files.readAllBytes(folder.resolve(plot + ".png"))).startsWith(PNG_SIGNATURE);
            assertThat(folder.resolve(plot + ".svg")).content().contains("<svg");
        }

        List<String> blocks = Files.readAllLines(folder.resolve("blocks.csv"));
        assertThat(blocks.getFirst())
                .isEqualTo("hash,number,miner,mined_at_ms,in_best_chain,nodes_reached,t50_ms,t90_ms,t100_ms");
        // b1: mined by node1 at 1000; node2, node3, node4 had it 100, 300 and 600 ms later
        assertThat(blocks).contains("b1,1,1,1000,true,4,100,600,600");
        // b4x: node4's block, stale, reached node4 and node3 (350 ms) only: half the nodes, never 90% or all
        assertThat(blocks).contains("b4x,4,4,31050,false,2,350,,");
        // b3: node4 was paused when it was mined, so "all" is nodes 1 to 3 (node2 at 300 ms, node3 at 900)
        assertThat(blocks).contains("b3,3,1,21000,true,3,300,900,900");

        JsonNode summary = JSON.readTree(folder.resolve("summary.json").toFile());
        assertThat(summary.get("stale_blocks").asInt()).isEqualTo(1);
        assertThat(summary.get("blocks_mined").asInt()).isEqualTo(5);
        assertThat(summary.get("fork_rate").asDouble()).isEqualTo(0.2);
        // t100 of b1..b4 is 600, 1200, 900 (b3: of the three nodes up when it was mined), 2400: the
        // nearest-rank median is the 2nd of 600, 900, 1200, 2400
        assertThat(summary.get("block_t100_median_ms").asLong()).isEqualTo(900);
        assertThat(summary.get("max_reorg_depth").asInt()).isEqualTo(1);
        assertThat(summary.get("assertions_failed").asInt()).isEqualTo(1);
        assertThat(summary.get("plots")).hasSize(10);

        assertThat(Files.readAllLines(folder.resolve("assertions.csv")))
                .contains("fork rate below 10%,false,\"fork rate 0.2, \"\"too high\"\"\"");

        String index = Files.readString(folder.resolve("index.html"));
        assertThat(index).contains("fork rate below 10%").contains("FAILED").contains("<img src=\"forks.png\"")
                .contains("href=\"output.json\"");

        JsonNode events = JSON.readTree(folder.resolve("output.json").toFile());
        assertThat(events.isArray()).isTrue();
        assertThat(events.get(0).get("kind").asString()).isEqualTo("simulation-start");
        assertThat(events.get(events.size() - 1).get("kind").asString()).isEqualTo("simulation-end");
        List<JsonNode> flows = new ArrayList<>();
        long last = -1;
        for (JsonNode e : events) {
            JsonNode content = e.get("content");
            long at = content.has("timestamp") ? content.get("timestamp").asLong()
                    : content.get("transmission-timestamp").asLong();
            assertThat(at).isGreaterThanOrEqualTo(last);
            last = at;
            if (e.get("kind").asString().equals("flow-block")) {
                flows.add(content);
                assertThat(content.get("transmission-timestamp").asLong())
                        .isLessThanOrEqualTo(content.get("reception-timestamp").asLong());
            }
        }
        // every arrival but the two miners' own: 3 relays each of b1..b4 and one of b4x
        assertThat(flows).hasSize(13);
        // b2 (block-id 1, 200 ms a hop) reached node3 from node2, which had it at 11200
        assertThat(flows).anySatisfy(f -> {
            assertThat(f.get("block-id").asInt()).isEqualTo(1);
            assertThat(f.get("begin-node-id").asInt()).isEqualTo(2);
            assertThat(f.get("end-node-id").asInt()).isEqualTo(3);
            assertThat(f.get("transmission-timestamp").asLong()).isEqualTo(11200);
            assertThat(f.get("reception-timestamp").asLong()).isEqualTo(11600);
        });
        JsonNode region = JSON.readTree(folder.resolve("static.json").toFile()).get("region").get(0);
        assertThat(region.get("name").asString()).isEqualTo("LOOPBACK");

        // node1 sends on 1->2 (last sample 10 000) and receives on 2->1 (last 5 000)
        assertThat(Files.readAllLines(folder.resolve("bandwidth.csv"))).contains("1,10000,5000,375");
    }

    @Test
    void anEmptyRunStillGetsAnIndex() throws IOException {
        Snapshot empty = new Snapshot("empty", 0, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), Set.of(), List.of());

        Report.write(empty, folder);

        assertThat(folder.resolve("index.html")).content().contains("empty");
        for (String plot : PLOTS) {
            assertThat(Files.readAllBytes(folder.resolve(plot + ".png"))).startsWith(PNG_SIGNATURE);
        }
        JsonNode summary = JSON.readTree(folder.resolve("summary.json").toFile());
        assertThat(summary.get("fork_rate").asDouble()).isZero();
        assertThat(summary.get("block_t100_median_ms").isNull()).isTrue();
        assertThat(JSON.readTree(folder.resolve("output.json").toFile())).hasSize(2);
    }

    /** Four nodes in a line, 1-2-3-4; node1 mines b1..b4, node4 mines b4x which loses to b4. */
    private static Snapshot run() {
        List<Node> nodes = new ArrayList<>();
        for (int id = 1; id <= 4; id++) {
            nodes.add(new Node(id, "node" + id, 9000 + id, 8000 + id, id == 1 || id == 4));
        }
        List<Edge> edges = List.of(new Edge(1, 2), new Edge(2, 3), new Edge(3, 4));
        List<BlockMined> mined = new ArrayList<>();
        List<BlockSeen> seen = new ArrayList<>();
        // block k (1..4) mined by node1 at 1000 + 10 000 (k-1); each hop takes 100 ms more than in the block before
        for (int k = 1; k <= 4; k++) {
            long at = 1000 + 10_000L * (k - 1);
            String hash = "b" + k;
            mined.add(new BlockMined(hash, k, 1, at));
            int txs = k == 2 ? 3 : 1;
            seen.add(new BlockSeen(hash, k, 1, at, 0, txs));
            long hop = 100L * k;
            seen.add(new BlockSeen(hash, k, 2, at + hop, 1, txs));
            seen.add(new BlockSeen(hash, k, 3, at + 3 * hop, 2, txs));
            seen.add(new BlockSeen(hash, k, 4, at + 6 * hop, 3, txs));
        }
        // b1's t100 is 600 ms: nodes 2, 3, 4 at 100, 300, 600 ms
        mined.add(new BlockMined("b4x", 4, 4, 31_050));
        seen.add(new BlockSeen("b4x", 4, 4, 31_050, 0, 1));
        seen.add(new BlockSeen("b4x", 4, 3, 31_400, 4, 1));
        seen.add(new BlockSeen("b4x", 4, 3, 31_450, 4, 1)); // seen again: only the first counts
        Set<String> best = new LinkedHashSet<>(List.of("b1", "b2", "b3", "b4"));

        List<TransactionSent> sent = List.of(new TransactionSent("tx1", 1, 5000), new TransactionSent("tx2", 2, 6000),
                new TransactionSent("tx3", 4, 7000));
        List<TransactionSeen> txSeen = List.of(new TransactionSeen("tx1", 1, 5000), new TransactionSeen("tx1", 2, 5050),
                new TransactionSeen("tx1", 3, 5120), new TransactionSeen("tx1", 4, 5200),
                new TransactionSeen("tx2", 2, 6000), new TransactionSeen("tx2", 1, 6040),
                new TransactionSeen("tx2", 3, 6060), new TransactionSeen("tx2", 4, 6150),
                new TransactionSeen("tx3", 4, 7000), new TransactionSeen("tx3", 3, 7080));

        List<Traffic> traffic = new ArrayList<>();
        for (int s = 1; s <= 10; s++) {
            traffic.add(new Traffic(s * 1000L, 1, 2, s * 1000L));
            traffic.add(new Traffic(s * 1000L + 20, 2, 1, s * 500L));
            traffic.add(new Traffic(s * 1000L + 40, 2, 3, s * 800L));
            traffic.add(new Traffic(s * 1000L + 60, 3, 4, s * 700L));
        }
        return new Snapshot("line-of-four", 40_000, nodes, edges, mined, seen, sent, txSeen,
                List.of(new Reorg(4, 32_500, 1)),
                List.of(new Action(20_000, "partition 1,2 | 3,4"), new Action(30_000, "heal")),
                traffic,
                List.of(new Outcome("all nodes agree on the tip", true, "tip b4 everywhere"),
                        new Outcome("fork rate below 10%", false, "fork rate 0.2, \"too high\"")),
                best,
                // node4 paused from 20.5 s to 21.5 s: b3 (mined at 21 s) is out of its coverage
                List.of(new Liveness(4, 20_500, false), new Liveness(4, 21_500, true)));
    }
}
