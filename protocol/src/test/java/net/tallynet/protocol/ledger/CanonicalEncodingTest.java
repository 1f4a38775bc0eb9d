package net.tallynet.protocol.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.tallynet.protocol.GoldenVectors;
import net.tallynet.protocol.crypto.Hashes;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Checks the binary encodings and ids against {@code vectors/ledger/encoding.json}, made independently. */
class CanonicalEncodingTest {
    private final JsonNode vectors = GoldenVectors.read("ledger", "encoding.json");

    @Test
    void headerBytesAndHashMatchVectors() {
        assertThat(vectors.get("headers")).isNotEmpty();
        for (JsonNode v : vectors.get("headers")) {
            byte[] header = CanonicalEncoding.header(v.get("number").asLong(), v.get("previousHash").asString(),
                    v.get("merkleRoot").asString(), v.get("time").asLong(), v.get("target").asString(),
                    v.get("nonce").asLong());
            assertThat(header).hasSize(CanonicalEncoding.HEADER_BYTES);
            assertThat(Hashes.hex(header)).isEqualTo(v.get("headerBytes").asString());
            assertThat(Hashes.hex(Hashes.sha256d(header))).isEqualTo(v.get("hash").asString());
        }
    }

    @Test
    void transactionEncodingsAndIdsMatchVectors() {
        assertThat(vectors.get("transactions")).isNotEmpty();
        for (JsonNode v : vectors.get("transactions")) {
            List<TxInput> inputs = new ArrayList<>();
            for (JsonNode in : v.get("inputs")) {
                inputs.add(new TxInput(in.get("txId").asString(), in.get("index").asLong(),
                        in.get("publicKey").asString(), in.get("signature").asString()));
            }
            List<TxOutput> outputs = new ArrayList<>();
            for (JsonNode out : v.get("outputs")) {
                outputs.add(new TxOutput(out.get("address").asString(), out.get("amount").asLong()));
            }
            assertThat(Hashes.hex(CanonicalEncoding.transaction(inputs, outputs, true)))
                    .isEqualTo(v.get("fullEncoding").asString());
            assertThat(Hashes.hex(CanonicalEncoding.transaction(inputs, outputs, false)))
                    .isEqualTo(v.get("signingEncoding").asString());
            assertThat(CanonicalEncoding.transactionId(inputs, outputs)).isEqualTo(v.get("id").asString());
        }
    }

    @Test
    void merkleRootsMatchVectorsForOddAndEvenCounts() {
        assertThat(vectors.get("merkleRoots")).hasSize(5);
        for (JsonNode v : vectors.get("merkleRoots")) {
            List<String> ids = new ArrayList<>();
            v.get("ids").forEach(id -> ids.add(id.asString()));
            assertThat(CanonicalEncoding.merkleRoot(ids)).as("%d ids", ids.size()).isEqualTo(v.get("root").asString());
        }
    }

    @Test
    void singleTransactionIsItsOwnMerkleRoot() {
        String id = "ab".repeat(32);
        assertThat(CanonicalEncoding.merkleRoot(List.of(id))).isEqualTo(id);
    }

    @Test
    void merkleRootOfNothingIsRefused() {
        assertThatThrownBy(() -> CanonicalEncoding.merkleRoot(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signaturesChangeTheIdButNotTheSigningEncoding() {
        TxInput signed = new TxInput("11".repeat(32), 0, "02" + "22".repeat(32), "33".repeat(64));
        TxInput resigned = new TxInput("11".repeat(32), 0, "02" + "22".repeat(32), "44".repeat(64));
        List<TxOutput> outputs = List.of(new TxOutput("55".repeat(20), 10));
        assertThat(CanonicalEncoding.transaction(List.of(signed), outputs, false))
                .isEqualTo(CanonicalEncoding.transaction(List.of(resigned), outputs, false));
        assertThat(CanonicalEncoding.transactionId(List.of(signed), outputs))
                .isNotEqualTo(CanonicalEncoding.transactionId(List.of(resigned), outputs));
    }

    @Test
    void withNonceRecomputesTheHash() {
        Block genesis = Genesis.of("devnet");
        Block next = genesis.withNonce(1);
        assertThat(next.nonce()).isEqualTo(1);
        assertThat(next.hash()).isEqualTo(CanonicalEncoding.blockHash(next)).isNotEqualTo(genesis.hash());
    }
}
