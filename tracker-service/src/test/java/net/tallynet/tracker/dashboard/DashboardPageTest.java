package net.tallynet.tracker.dashboard;

import static net.tallynet.tracker.TrackerTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import net.tallynet.tracker.RunningTrackerTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/** The page at / and its assets: served locally, under the strict Content-Security-Policy, nothing inline. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "tallynet.checks.enabled=false")
class DashboardPageTest extends RunningTrackerTest {

    @Test
    void pageIsServedAtRootWithTheStrictPolicy() {
        HttpResponse<String> page = get(apiPort, "/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy -> assertThat(policy)
                .contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'")
                .doesNotContain("unsafe-inline", "unsafe-eval"));
        assertThat(page.body()).contains("<title>Tallynet tracker</title>", "<table id=\"members\"",
                "<svg id=\"network-map\"", "src=\"tracker.js\"", "href=\"dashboard.css\"");
        // the policy would block these, so they must not be needed
        assertThat(page.body()).doesNotContain("style=", "<style", "onclick", "<script>", "http://", "https://");
    }

    @Test
    void scriptAndStylesAreServedLocallyUnderThePolicy() {
        HttpResponse<String> script = get(apiPort, "/tracker.js");
        HttpResponse<String> css = get(apiPort, "/dashboard.css");

        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("javascript"));
        assertThat(script.headers().firstValue("Content-Security-Policy")).isPresent();
        assertThat(script.body()).contains("new EventSource('api/events')", "api/network", "api/members?limit=")
                .doesNotContain("eval(", "innerHTML", ".style.");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
        assertThat(css.body()).contains(".height-best", ".height-behind");
    }
}
