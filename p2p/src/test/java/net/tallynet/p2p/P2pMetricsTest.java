package net.tallynet.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.tallynet.protocol.RejectReason;
import net.tallynet.protocol.message.Method;
import org.junit.jupiter.api.Test;

/** Every label value known in advance exists at zero before the first event. */
class P2pMetricsTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void everyKnownReasonAndMethodStartsAtZero() {
        new P2pMetrics(meters, List.of("registration_flood"));

        assertThat(tags("tallynet.frames.rejected", "reason")).contains("not_json", "frame_too_large", "rate_limited",
                "binary_frame", "handshake_required", "byte_rate_limited", "hello_changed", "registration_flood");
        for (RejectReason reason : RejectReason.values()) {
            assertThat(tags("tallynet.frames.rejected", "reason")).contains(reason.label());
        }
        assertThat(tags("tallynet.connections.closed", "reason"))
                .containsExactlyInAnyOrderElementsOf(labels(CloseReason.values()));
        assertThat(tags("tallynet.connections.refused", "reason")).containsExactlyInAnyOrder("banned", "too_many_peers");
        assertThat(tags("tallynet.frames.received", "method")).hasSize(Method.values().length);
        assertThat(tags("tallynet.frames.sent.bytes", "method")).hasSize(Method.values().length);
        assertThat(meters.getMeters()).allSatisfy(meter -> {
            if (meter instanceof Counter counter) {
                assertThat(counter.count()).as(meter.getId().toString()).isZero();
            }
        });
    }

    @Test
    void anUnforeseenReasonIsStillCounted() {
        P2pMetrics metrics = new P2pMetrics(meters);
        metrics.rejected("something_new");
        metrics.rejected("not_json");

        assertThat(meters.get("tallynet.frames.rejected").tag("reason", "something_new").counter().count()).isEqualTo(1);
        assertThat(meters.get("tallynet.frames.rejected").tag("reason", "not_json").counter().count()).isEqualTo(1);
    }

    private Set<String> tags(String name, String key) {
        return meters.find(name).counters().stream().map(c -> c.getId().getTag(key)).collect(Collectors.toSet());
    }

    private static List<String> labels(CloseReason[] reasons) {
        return java.util.Arrays.stream(reasons).map(CloseReason::label).toList();
    }
}
