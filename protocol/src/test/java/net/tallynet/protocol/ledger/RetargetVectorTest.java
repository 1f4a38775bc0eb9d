package net.tallynet.protocol.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.tallynet.protocol.GoldenVectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The difficulty adjustment against {@code vectors/ledger/retarget.json}, computed from PROTOCOL.md 5.8 by
 * an implementation independent of this code: the target a child must carry, from its parent's target and
 * the times of the parent and its ancestors, as the chain and the header check both ask for it.
 */
class RetargetVectorTest {

    @Test
    void expectedTargetsMatchTheIndependentVectors() {
        JsonNode vectors = GoldenVectors.read("ledger", "retarget.json");
        ChainParams devnet = ChainParams.devnet();
        assertThat(vectors.get("targetBlockTimeMillis").asLong()).isEqualTo(devnet.targetBlockTime().toMillis());
        assertThat(vectors.get("retargetInterval").asLong()).isEqualTo(devnet.retargetInterval());
        int checked = 0;
        for (JsonNode v : vectors.get("cases")) {
            List<Long> times = new ArrayList<>();
            v.get("timesNewestFirst").forEach(time -> times.add(time.asLong()));
            long number = v.get("number").asLong();
            assertThat(times).as(v.get("name").asString()).hasSizeGreaterThanOrEqualTo(
                    Math.min(BlockValidator.contextDepth(number, devnet), (int) number));
            BlockValidator.ParentContext context = BlockValidator.contextAfter(number - 1, Genesis.ZERO_HASH,
                    v.get("parentTarget").asString(), times, devnet);
            assertThat(context.expectedTarget()).as(v.get("name").asString()).isEqualTo(v.get("expectedTarget").asString());
            checked++;
        }
        assertThat(checked).isEqualTo(12);
    }
}
