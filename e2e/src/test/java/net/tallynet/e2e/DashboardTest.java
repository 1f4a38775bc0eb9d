package net.tallynet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The dashboards in a real browser against real processes: a tracker and two nodes from the packaged
 * jars on loopback, Debian's chromium through Selenium. The node's page follows the chain without a
 * reload, finds a block by number, sends a payment through its form (refused without the right token,
 * with the reason shown) and shows it in the mempool and then confirmed; the tracker's map shows every
 * node. Screenshots of each page go to e2e/target/screenshots. Every page runs under its strict
 * Content-Security-Policy, and no page may log a script error or a policy violation.
 */
class DashboardTest {
    private static final Duration START = Duration.ofMinutes(5); // three JVMs and a browser on 2 cores
    private static final Duration SHOWN = Duration.ofSeconds(30);

    @Test
    void theNodeAndTrackerPagesShowTheNetworkLive() throws Exception {
        Path dir = Files.createTempDirectory("tallynet-dashboard");
        int tracker = LocalService.freePort();
        int node1 = LocalService.freePort();
        int node2 = LocalService.freePort();
        List<LocalService> services = new ArrayList<>();
        boolean passed = false;
        try (Browser browser = Browser.open()) {
            services.add(LocalService.start(dir, "tracker", tracker, "--tallynet.checks.interval=2s"));
            services.add(LocalService.startNode(dir, "node1", node1, tracker));
            services.add(LocalService.startNode(dir, "node2", node2, tracker));
            await("tracker and nodes healthy").atMost(START).pollInterval(Duration.ofSeconds(2)).ignoreExceptions()
                    .failFast(() -> services.forEach(LocalService::assertAlive))
                    .until(() -> services.stream().allMatch(LocalService::healthy));
            Http.post(LocalService.api(node1), "/api/blocks/generate", "{\"count\":3}");

            // live chain: the height grows while the page stays loaded
            browser.go("http://127.0.0.1:" + LocalService.api(node1) + "/");
            browser.waiting(SHOWN).until(ExpectedConditions.textToBe(By.id("live"), "live"));
            browser.waiting(SHOWN).until(d -> Long.parseLong(browser.find("#height").getText()) >= 3);
            ((JavascriptExecutor) browser.driver).executeScript("window.sameDocument = true;");
            Http.post(LocalService.api(node1), "/api/blocks/generate", "{\"count\":2}");
            browser.waiting(SHOWN).until(d -> browser.find("#height").getText().equals("5"));
            browser.waiting(SHOWN).until(d -> browser.attributes("#blocks tbody tr", "data-number").getFirst().equals("5"));
            assertThat(((JavascriptExecutor) browser.driver).executeScript("return window.sameDocument === true;"))
                    .as("the height grew without a reload").isEqualTo(true);

            // a block looked up by number shows its hash
            String hashOfTwo = Http.get(LocalService.api(node1), "/api/blocks/2").get("hash").asString();
            search(browser, "2");
            browser.waiting(SHOWN).until(ExpectedConditions.textToBe(By.id("block-hash"), hashOfTwo));
            assertThat(browser.find("#block-number").getText()).isEqualTo("2");
            assertThat(browser.all("#block-transactions tbody tr")).hasSize(1);
            browser.screenshot("node-block");

            // a payment through the form: refused with a wrong token (the reason shown), then sent
            String to = Http.get(LocalService.api(node2), "/api/wallet").get("address").asString();
            browser.go("http://127.0.0.1:" + LocalService.api(node1) + "/#/");
            browser.waiting(SHOWN).until(ExpectedConditions.textToBe(By.id("live"), "live"));
            pay(browser, to, "1.5", "wrong-token");
            browser.waiting(SHOWN).until(d -> browser.find("#send-result").getText().contains("unauthorized"));
            assertThat(browser.find("#send-result").getAttribute("class")).contains("refused");
            pay(browser, to, "1.5", Http.TOKEN);
            browser.waiting(SHOWN).until(d -> browser.find("#send-result").getAttribute("data-tx-id") != null);
            String txId = browser.find("#send-result").getAttribute("data-tx-id");
            browser.waiting(SHOWN).until(d -> !browser.all("#mempool tbody tr[data-id='" + txId + "']").isEmpty());
            assertThat(browser.find("#mempool-size").getText()).isEqualTo("1");
            browser.screenshot("node-overview-mempool");

            Http.post(LocalService.api(node1), "/api/blocks/generate", "{\"count\":1}");
            browser.waiting(SHOWN).until(d -> browser.all("#mempool tbody tr[data-id='" + txId + "']").isEmpty());
            search(browser, txId);
            browser.waiting(SHOWN).until(d -> "confirmed".equals(browser.find("#tx-status").getAttribute("data-status")));
            assertThat(browser.find("#tx-confirmations").getText()).isEqualTo("1");
            assertThat(browser.find("#tx-fee").getText()).isEqualTo("0.0001 coins");
            assertThat(browser.all("#tx-outputs tbody tr")).extracting(WebElement::getText).anyMatch(row -> row.contains(to));
            browser.screenshot("node-transaction");

            // the peers view shows the other node (the tracker knows which id is whose)
            List<String> nodeIds = List.of(nodeId(tracker, node1), nodeId(tracker, node2));
            browser.go("http://127.0.0.1:" + LocalService.api(node1) + "/");
            browser.waiting(SHOWN).until(d -> !browser.all("#peers tbody tr[data-node-id='" + nodeIds.get(1) + "']").isEmpty());
            browser.screenshot("node-overview");

            // the tracker's map: every node, and the link between them
            browser.go("http://127.0.0.1:" + LocalService.api(tracker) + "/");
            browser.waiting(Duration.ofMinutes(1)).until(d -> browser.attributes("svg#network-map g.node", "data-node-id")
                    .containsAll(nodeIds));
            browser.waiting(Duration.ofMinutes(1)).until(d -> browser.attributes("svg#network-map line.link", "data-from")
                    .stream().anyMatch(nodeIds::contains));
            assertThat(browser.attributes("table#members tbody tr", "data-node-id")).containsAll(nodeIds);
            browser.screenshot("tracker");

            assertThat(browser.consoleErrors()).as("script errors and policy violations")
                    .filteredOn(message -> message.contains("Content Security Policy") || message.contains("Uncaught"))
                    .isEmpty();
            System.out.printf("dashboards checked; screenshots in %s%n", Browser.SCREENSHOTS);
            passed = true;
        } finally {
            LocalService.stopAll(services, dir, passed);
        }
    }

    /** The id of the node listening on {@code port}, as the tracker registered it. */
    private static String nodeId(int tracker, int port) {
        for (var member : Http.get(LocalService.api(tracker), "/api/members")) {
            if (member.get("port").asInt() == port) {
                return member.get("nodeId").asString();
            }
        }
        throw new AssertionError("node on port " + port + " is not a member of the tracker");
    }

    private static void search(Browser browser, String text) {
        WebElement input = browser.find("#search-input");
        input.clear();
        input.sendKeys(text);
        browser.find("#search button").click();
    }

    private static void pay(Browser browser, String to, String amount, String token) {
        for (String[] field : new String[][] {{"#send-to", to}, {"#send-amount", amount}, {"#send-fee", "0.0001"},
                {"#send-token", token}}) {
            WebElement input = browser.find(field[0]);
            input.clear();
            input.sendKeys(field[1]);
        }
        browser.find("#send-button").click();
    }
}
