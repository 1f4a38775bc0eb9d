package net.tallynet.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import net.tallynet.protocol.codec.StrictJsonReader.RejectedJsonException;
import org.junit.jupiter.api.Test;

class StrictJsonReaderTest {
    private final StrictJsonReader reader = new StrictJsonReader(FrameLimits.DEFAULT);

    record Fee(long fee) {
    }

    private void assertRefused(String json, String reason, String detail) {
        assertThatThrownBy(() -> reader.read(json.getBytes(StandardCharsets.UTF_8), Fee.class))
                .isInstanceOfSatisfying(RejectedJsonException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).isEqualTo(detail);
                });
    }

    @Test
    void unknownFieldIsNamed() {
        assertRefused("{\"fee\":1,\"fees\":2}", "unknown_field", "unknown field: fees");
    }

    @Test
    void unknownFieldThatLooksLikeAJavaNameIsNotEchoed() {
        // found by StrictJsonReaderFuzzTest: the client's own field name came back with a backtick
        assertRefused("{\"fee\":1,\"genera`e\":{}}", "unknown_field", "unknown field");
        assertRefused("{\"fee\":1,\"java.lang.String\":2}", "unknown_field", "unknown field");
    }
}
