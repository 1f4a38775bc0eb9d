package net.tallynet.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import net.tallynet.protocol.GoldenVectors;
import net.tallynet.protocol.RejectReason;
import net.tallynet.protocol.codec.DecodeResult.Decoded;
import net.tallynet.protocol.codec.DecodeResult.Rejected;
import net.tallynet.protocol.message.Method;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

/**
 * Runs every golden vector: each valid frame decodes to its method's record and re-encodes to the
 * stored canonical frame; each rejection frame is refused with exactly the file's reason. The
 * vectors were produced by an independent (non-Java) implementation of the rules in PROTOCOL.md.
 */
class GoldenVectorTest {
    private final FrameCodec codec = new FrameCodec();

    @TestFactory
    Stream<DynamicTest> validFramesDecodeToTheirCanonicalForm() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : GoldenVectors.files("methods")) {
            JsonNode vectors = GoldenVectors.read(file);
            Method method = Method.valueOf(vectors.get("method").asString());
            for (JsonNode vector : vectors.get("cases")) {
                String frame = vector.get("frame").asString();
                String canonical = vector.get("canonical").asString();
                tests.add(DynamicTest.dynamicTest(method + ": " + vector.get("name").asString(), () -> {
                    DecodeResult result = codec.decode(frame);
                    assertThat(result).isInstanceOf(Decoded.class);
                    Decoded decoded = (Decoded) result;
                    assertThat(decoded.message().method()).isEqualTo(method);
                    assertThat(decoded.message()).isInstanceOf(method.payloadType());
                    assertThat(codec.encode(decoded.message())).isEqualTo(canonical);
                    assertThat(codec.decode(canonical)).isEqualTo(decoded);
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> rejectedFramesGiveTheirReason() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : GoldenVectors.files("rejections")) {
            JsonNode vectors = GoldenVectors.read(file);
            RejectReason reason = RejectReason.fromLabel(vectors.get("reason").asString());
            FrameCodec limited = vectors.has("limits")
                    ? new FrameCodec(FrameLimits.DEFAULT.withMaxFrameBytes(vectors.get("limits").get("maxFrameBytes").asInt()))
                    : codec;
            for (JsonNode vector : vectors.get("cases")) {
                String frame = vector.get("frame").asString();
                tests.add(DynamicTest.dynamicTest(reason.label() + ": " + vector.get("name").asString(), () -> {
                    DecodeResult result = limited.decode(frame);
                    assertThat(result).isInstanceOf(Rejected.class);
                    Rejected rejected = (Rejected) result;
                    assertThat(rejected.reason()).as(rejected.detail()).isEqualTo(reason);
                    assertThat(rejected.detail()).isNotBlank();
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void everyMethodHasValidVectors() {
        List<String> covered = GoldenVectors.files("methods").stream()
                .filter(file -> !GoldenVectors.read(file).get("cases").isEmpty())
                .map(file -> file.getFileName().toString().replace(".json", ""))
                .toList();
        assertThat(covered).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(Method.values()).map(Method::name).toList());
    }

    @Test
    void everyRejectReasonHasVectors() {
        List<String> covered = GoldenVectors.files("rejections").stream()
                .filter(file -> !GoldenVectors.read(file).get("cases").isEmpty())
                .map(file -> file.getFileName().toString().replace(".json", ""))
                .toList();
        assertThat(covered).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(RejectReason.values()).map(RejectReason::label).toList());
    }
}
