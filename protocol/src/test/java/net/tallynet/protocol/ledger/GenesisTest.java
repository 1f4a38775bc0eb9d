package net.tallynet.protocol.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.tallynet.protocol.GoldenVectors;
import net.tallynet.protocol.codec.FrameCodec;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class GenesisTest {
    private final FrameCodec codec = new FrameCodec();

    @Test
    void genesisMatchesTheIndependentVectors() {
        for (JsonNode v : GoldenVectors.read("ledger", "encoding.json").get("genesis")) {
            Block genesis = Genesis.of(v.get("network").asString());
            assertThat(codec.toJson(genesis)).isEqualTo(v.get("block").toString());
        }
    }

    @Test
    void sameNetworkNameGivesTheSameBlock() {
        assertThat(Genesis.of("devnet")).isEqualTo(Genesis.of("devnet"));
    }

    @Test
    void networkIdDiffersPerNetwork() {
        assertThat(Genesis.networkId("devnet")).isNotEqualTo(Genesis.networkId("testnet"));
    }

    @Test
    void genesisIsInternallyConsistent() {
        Block genesis = Genesis.of("devnet");
        assertThat(genesis.number()).isZero();
        assertThat(genesis.previousHash()).isEqualTo(Genesis.ZERO_HASH);
        assertThat(genesis.hash()).isEqualTo(CanonicalEncoding.blockHash(genesis));
        assertThat(genesis.transactions()).singleElement().satisfies(coinbase -> {
            assertThat(coinbase.isCoinbase()).isTrue();
            assertThat(coinbase.id()).isEqualTo(CanonicalEncoding.transactionId(coinbase));
            assertThat(genesis.merkleRoot()).isEqualTo(coinbase.id());
        });
    }

    @Test
    void blankNetworkNameIsRefused() {
        assertThatThrownBy(() -> Genesis.of(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
