package net.tallynet.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.List;
import net.tallynet.protocol.Check;
import net.tallynet.protocol.OptionalField;
import tools.jackson.databind.json.JsonMapper;

/**
 * The REST body reader's contract under arbitrary input, beside the frame decoder's: total (nothing
 * but a {@link StrictJsonReader.RejectedJsonException} escapes), its reasons stable snake_case with a
 * short detail naming no Java type, and stable (what it accepts, written back as JSON, reads to the
 * same value). The first byte picks the target: shapes like the node's request bodies. Runs the
 * checked-in seed corpus in the normal test command; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class StrictJsonReaderFuzzTest {
    private static final StrictJsonReader READER = new StrictJsonReader(FrameLimits.DEFAULT.withMaxFrameBytes(64 * 1024));
    private static final JsonMapper PLAIN = JsonMapper.builder().build();
    private static final List<Class<? extends Record>> TARGETS = List.of(Payment.class, Generate.class, Batch.class);

    record Payment(String to, long amount, long fee) {
        Payment {
            Check.hex("to", to, 20, 20);
            Check.range("amount", amount, 1, 2_100_000_000_000_000L);
            Check.range("fee", fee, 0, 2_100_000_000_000_000L);
        }
    }

    record Generate(int count, @OptionalField String to) {
        Generate {
            Check.range("count", count, 1, 1000);
            if (to != null) {
                Check.hex("to", to, 20, 20);
            }
        }
    }

    record Batch(List<Payment> payments, @OptionalField Generate generate) {
        Batch {
            Check.list("payments", payments, 0, 100);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void readIsTotalAndStable(byte[] input) {
        if (input.length == 0) {
            return;
        }
        Class<? extends Record> target = TARGETS.get((input[0] & 0xff) % TARGETS.size());
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        Record value;
        try {
            value = READER.read(body, target);
        } catch (StrictJsonReader.RejectedJsonException rejected) {
            assertThat(rejected.reason()).matches("[a-z]+(_[a-z]+)*");
            assertThat(rejected.getMessage()).isNotBlank().hasSizeLessThanOrEqualTo(200)
                    .doesNotContain("net.tallynet", "java.", "`");
            return;
        }
        assertThat(body.length).isLessThanOrEqualTo(READER.limits().maxFrameBytes());
        byte[] written = PLAIN.writeValueAsBytes(value);
        assertThat(READER.read(written, target)).isEqualTo(value);
    }
}
