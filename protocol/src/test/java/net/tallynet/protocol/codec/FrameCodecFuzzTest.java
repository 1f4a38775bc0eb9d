package net.tallynet.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import net.tallynet.protocol.codec.DecodeResult.Decoded;
import net.tallynet.protocol.codec.DecodeResult.Rejected;

/**
 * The decoder's contract under arbitrary input: total (never throws), bounded, and stable (what it
 * accepts re-encodes to a frame that decodes to the same message). Runs the checked-in seed corpus
 * in the normal test command; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class FrameCodecFuzzTest {
    // a small frame limit makes frame_too_large reachable by the fuzzer
    private static final FrameCodec CODEC = new FrameCodec(FrameLimits.DEFAULT.withMaxFrameBytes(64 * 1024));

    @FuzzTest(maxDuration = "5m")
    void decodeIsTotalAndStable(byte[] frame) {
        DecodeResult result = CODEC.decode(frame);

        assertThat(result).isNotNull();
        switch (result) {
            case Rejected rejected -> {
                assertThat(rejected.reason()).isNotNull();
                assertThat(rejected.detail()).isNotBlank().hasSizeLessThanOrEqualTo(200);
            }
            case Decoded decoded -> {
                assertThat(frame.length).isLessThanOrEqualTo(CODEC.limits().maxFrameBytes());
                byte[] canonical = CODEC.encodeToBytes(decoded.message());
                DecodeResult again = CODEC.decode(canonical);
                assertThat(again).isEqualTo(new Decoded(decoded.message()));
                assertThat(new String(canonical, StandardCharsets.UTF_8))
                        .startsWith("{\"" + decoded.message().method().name() + "\":");
            }
        }
    }
}
