package net.tallynet.tracker.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import net.tallynet.p2p.StopHook;
import net.tallynet.p2p.http.EventStream;
import net.tallynet.tracker.RunningTrackerTest;
import net.tallynet.tracker.TestPeer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /api/events}: a {@code members} event follows a registration; streams are capped per client. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tallynet.checks.enabled=false",
        "tallynet.dashboard.events.max-per-client=2",
        // a stream the test closed is noticed at the next write
        "tallynet.dashboard.events.keep-alive=200ms"})
class EventsTest extends RunningTrackerTest {
    @Autowired
    EventStream stream;
    @Autowired
    JsonMapper json;
    @Autowired
    @Qualifier("eventStreamShutdown")
    StopHook eventStreamShutdown;

    @BeforeEach
    void noStreamsLeft() {
        members.deleteAll();
        await().atMost(Duration.ofSeconds(5)).until(() -> stream.subscribers() == 0);
    }

    @Test
    void aRegistrationIsFollowedByAMembersEventWithTheCounts() throws Exception {
        try (EventStreamClient events = EventStreamClient.open(apiPort)) {
            assertThat(events.response().statusCode()).isEqualTo(200);
            assertThat(events.response().headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));

            TestPeer.register(port, "e1e1e1e1e1e1e1e1", 9401);
            TestPeer.register(port, "e2e2e2e2e2e2e2e2", 9402);

            EventStreamClient.Event event = events.next("members", Duration.ofSeconds(5));
            assertThat(event).isNotNull();
            MembersSummary summary = json.readValue(event.data(), MembersSummary.class);
            if (summary.active() < 2) { // the two registrations fell into two coalescing windows
                summary = json.readValue(events.next("members", Duration.ofSeconds(5)).data(), MembersSummary.class);
            }
            assertThat(summary).isEqualTo(new MembersSummary(2, 0, 1L));
        }
    }

    @Test
    void stoppingEndsEveryStreamAtOnceSoShutdownDoesNotWaitForThem() {
        try (EventStreamClient events = EventStreamClient.open(apiPort)) {
            assertThat(events.response().statusCode()).isEqualTo(200);
            eventStreamShutdown.stop(); // what the context does first when the service stops

            await().atMost(Duration.ofSeconds(2)).until(events::ended);
            assertThat(stream.subscribers()).isZero();
        }
    }

    @Test
    void aClientOverItsStreamCapIsRefusedWith429AndAJsonReason() {
        try (EventStreamClient first = EventStreamClient.open(apiPort);
             EventStreamClient second = EventStreamClient.open(apiPort)) {
            assertThat(first.response().statusCode()).isEqualTo(200);
            assertThat(second.response().statusCode()).isEqualTo(200);

            HttpResponse<String> third = EventStreamClient.refusal(apiPort);

            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(third.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            assertThat(json.readTree(third.body()).get("reason").asString()).isEqualTo("too_many_streams");
            assertThat(stream.subscribers()).isEqualTo(2);
        }
    }
}
