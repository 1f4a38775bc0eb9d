package net.tallynet.node.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrackerRegistrationBackoffTest {

    @Test
    void retriesSoonThenDoublingUpToTheRegisterInterval() {
        TrackerRegistration registration = new TrackerRegistration(
                new TrackerProperties(List.of(URI.create("ws://127.0.0.1:1/p2p")), Duration.ofSeconds(60)), null, null, null, null);
        assertThat(registration.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(registration.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(registration.backoff(6)).isEqualTo(Duration.ofSeconds(32));
        assertThat(registration.backoff(7)).isEqualTo(Duration.ofSeconds(60));
        assertThat(registration.backoff(1000)).isEqualTo(Duration.ofSeconds(60));
    }
}
