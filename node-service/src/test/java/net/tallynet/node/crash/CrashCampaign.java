package net.tallynet.node.crash;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.tallynet.node.NodeProcess;
import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.databind.JsonNode;

/**
 * Kills a node process with SIGKILL at random moments and restarts it on the same data, round after
 * round, alternating two kinds of work at the moment of the kill:
 * <ul>
 * <li><b>mining</b>: the node alone, generating blocks back to back and accepting payments from its wallet;</li>
 * <li><b>sync and reorganisation</b>: a source node, stopped since the last such round, has mined a
 * branch with more work than the victim's chain from where they last agreed; the victim dials it,
 * disconnects its own newer blocks and downloads the source's. Half of these kills come within 1.5 s of
 * the download's start (in it, in the switch of branches, or just after), half as soon as the victim reports
 * a tip on the source's branch (mid-download when the switch came before the last blocks).</li>
 * </ul>
 * While the work runs, the campaign reads {@code /api/chain} and the payments the API accepted, as a
 * user would. After each restart it checks that the last block reported before the kill is still
 * stored (and, when mining alone, still on the best chain at its height), that every payment the API
 * had accepted is still known (in the mempool or in a block); then it stops the victim and checks its
 * files: the unspent outputs are exactly those the stored best chain implies ({@link StoredChainCheck}).
 * Any violation fails at once, naming the round.
 */
final class CrashCampaign {
    private static final String TOKEN = "crash-campaign-token";
    private static final Pattern REPLAYED = Pattern.compile("block journal: (\\d+) blocks read, (\\d+) of them");
    private static final Pattern COINS_APPLIED = Pattern.compile("unspent outputs: applying blocks #(\\d+) to #(\\d+) again");
    private static final Pattern SWEPT = Pattern.compile("committed (\\d+) entries that H2 had left marked uncommitted");

    enum Work { MINING, SYNC_AND_REORG }

    /** What the campaign saw, for the figures. */
    record Tally(int kills, int miningKills, int syncKills, int syncKillsMidway, int reportedBlocksChecked, int paymentsChecked,
                 int restartsThatReplayedBlocks, long blocksReplayed, int restartsThatAppliedCoins, long coinsBlocksApplied,
                 int restartsThatSwept, long entriesSwept, long finalHeight, Duration elapsed) {
        @Override
        public String toString() {
            return """
                    Crash campaign
                    kills (SIGKILL)                         %d (%d while mining, %d during sync and reorganisation, %d of them mid-download)
                    after each restart                      chain consistent, unspent outputs and transaction index = recomputed from the stored chain: %d of %d
                    reported blocks still there             %d of %d
                    accepted payments still known           %d of %d
                    restarts that replayed journaled blocks %d (%d blocks the database had not written yet)
                    restarts that applied blocks to outputs %d (%d blocks after the last batch of outputs and index)
                    restarts that found a torn H2 commit    %d (%d entries left marked uncommitted, committed at start)
                    final height                            %d
                    time                                    %d s
                    """.formatted(kills, miningKills, syncKills, syncKillsMidway, kills, kills, reportedBlocksChecked, reportedBlocksChecked,
                    paymentsChecked, paymentsChecked, restartsThatReplayedBlocks, blocksReplayed, restartsThatAppliedCoins, coinsBlocksApplied,
                    restartsThatSwept, entriesSwept, finalHeight, elapsed.toSeconds());
        }
    }

    private final Path victimDir;
    private final Path sourceDir;
    private final Random random;
    private final int victimPort;
    private final int sourcePort;
    private int miningKills;
    private int syncKills;
    /** Sync kills that came while the victim was neither on its own tip nor yet on the source's. */
    private int syncKillsMidway;
    private int reportedBlocksChecked;
    private int paymentsChecked;
    private int restartsThatReplayed;
    private long blocksReplayed;
    private int restartsThatAppliedCoins;
    private long coinsBlocksApplied;
    private int restartsThatSwept;
    private long entriesSwept;

    CrashCampaign(Path dir, long seed) throws IOException {
        this.victimDir = dir.resolve("victim");
        this.sourceDir = dir.resolve("source");
        this.random = new Random(seed);
        this.victimPort = NodeProcess.freePort();
        this.sourcePort = NodeProcess.freePort();
    }

    Tally run(int kills) throws Exception {
        long started = System.nanoTime();
        long height = 0;
        for (int round = 1; round <= kills; round++) {
            Work work = round % 2 == 1 ? Work.MINING : Work.SYNC_AND_REORG;
            try {
                height = work == Work.MINING ? miningRound() : syncRound(height);
            } catch (AssertionError | ConditionTimeoutException e) {
                // CI shows little more than this message: it names the round, the wait and what the victim last warned of
                throw new AssertionError("round " + round + " (" + work + "): " + e.getMessage() + victimWarnings(), e);
            }
            System.out.printf("round %d (%s): killed, restarted, consistent at #%d%n", round, work, height);
        }
        return new Tally(kills, miningKills, syncKills, syncKillsMidway, reportedBlocksChecked, paymentsChecked, restartsThatReplayed,
                blocksReplayed, restartsThatAppliedCoins, coinsBlocksApplied, restartsThatSwept, entriesSwept, height, Duration.ofNanos(System.nanoTime() - started));
    }

    private long miningRound() throws Exception {
        Process victim = startVictim();
        Reported reported = new Reported();
        AtomicBoolean mining = new AtomicBoolean(true);
        Thread miner = Thread.ofPlatform().daemon().start(() -> {
            while (mining.get()) {
                post(victimPort, "/api/blocks/generate", "{\"count\":200}");
            }
        });
        Thread payer = Thread.ofPlatform().daemon().start(() -> {
            while (mining.get()) {
                String to = HexFormat.of().formatHex(randomBytes(20));
                HttpResponse<String> paid = post(victimPort, "/api/payments", "{\"to\":\"" + to + "\",\"amount\":1000,\"fee\":100}");
                if (paid != null && paid.statusCode() == 200) {
                    reported.payments.add(NodeProcess.json(paid).get("id").asString());
                }
                pause(100);
            }
        });
        watchAndKill(victim, reported, 500 + random.nextInt(2500));
        mining.set(false);
        miner.join(10_000);
        payer.join(10_000);
        miningKills++;

        Process restarted = restart();
        JsonNode atReportedHeight = NodeProcess.json(NodeProcess.get(victimPort, "/api/blocks/" + reported.height));
        check(reported.hash.equals(atReportedHeight.path("hash").asString("")),
                "block " + reported.hash + " #" + reported.height + " was reported before the kill and is not on the best chain");
        reportedBlocksChecked++;
        for (String id : reported.payments) {
            check(NodeProcess.get(victimPort, "/api/transactions/" + id).statusCode() == 200,
                    "payment " + id + " was accepted before the kill and is unknown after it");
            paymentsChecked++;
        }
        return stopAndVerify(restarted);
    }

    private long syncRound(long victimHeight) throws Exception {
        Process source = NodeProcess.start(sourceDir, sourcePort, jvm(), java.util.Map.of(),
                "--tallynet.api.token=" + TOKEN);
        try {
            awaitReady(sourcePort);
            // a branch with more work than the victim's chain, so the victim reorganises and then downloads
            long sourceHeight = NodeProcess.chain(sourcePort).get("height").asLong();
            long missing = victimHeight + 300 + random.nextInt(300) - sourceHeight;
            while (missing > 0) {
                long count = Math.min(missing, 1000);
                check(post(sourcePort, "/api/blocks/generate", "{\"count\":" + count + "}").statusCode() == 200,
                        "the source could not mine");
                missing -= count;
            }
            String sourceTip = NodeProcess.chain(sourcePort).get("bestHash").asString();
            Process victim = startVictim("--tallynet.peers.seeds=127.0.0.1:" + sourcePort);
            String own = NodeProcess.chain(victimPort).get("bestHash").asString();
            // the kill lands after the download has begun: somewhere in it, in the switch of branches, or after
            await("the victim's download to begin").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                JsonNode sync = NodeProcess.json(NodeProcess.get(victimPort, "/api/sync"));
                return sync.path("syncing").asBoolean() || !own.equals(NodeProcess.chain(victimPort).get("bestHash").asString());
            });
            Reported reported = new Reported();
            if (random.nextBoolean()) {
                // within 1.5 s: a download of 300 to 600 blocks takes about one (block batches, 12.2), and a
                // kill after it would test no download at all (4 s let 10 of 10 land after it)
                watchAndKill(victim, reported, random.nextInt(1500));
            } else {
                // the tip moves to the source's branch only once that outweighs the victim's own, near the end of
                // the download, and the rest follows within a fraction of a second: killed as soon as the victim
                // reports a tip on it (a random height on it was reached too late in a loaded run, 0 of 5). While
                // the switch disconnects the victim's own blocks, its tip is below its height before the round
                watchAndKill(victim, reported, seen -> seen.height > victimHeight);
            }
            // on the source's branch (above the victim's height: its own blocks were disconnected) and short of its tip
            if (reported.height > victimHeight && !reported.hash.equals(sourceTip)) {
                syncKillsMidway++;
            }
            syncKills++;

            Process restarted = restart("--tallynet.peers.seeds=127.0.0.1:" + sourcePort);
            check(NodeProcess.get(victimPort, "/api/blocks/" + reported.hash).statusCode() == 200,
                    "block " + reported.hash + " #" + reported.height + " was reported before the kill and is not stored");
            reportedBlocksChecked++;
            // the download resumes and ends on the source's tip: the next mining round builds on it
            await("the restarted victim to reach the source's tip " + sourceTip).atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> sourceTip.equals(NodeProcess.chain(victimPort).get("bestHash").asString()));
            return stopAndVerify(restarted);
        } finally {
            NodeProcess.stop(source, Duration.ofSeconds(20));
        }
    }

    /** The tip as {@code /api/chain} last showed it, and the payments the API accepted. */
    private static final class Reported {
        volatile long height;
        volatile String hash = "";
        final List<String> payments = new java.util.concurrent.CopyOnWriteArrayList<>();
    }

    /** Reads the chain as a user would until {@code millis} have passed, then kills the victim. */
    private void watchAndKill(Process victim, Reported reported, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        watchAndKill(victim, reported, seen -> System.nanoTime() >= deadline);
    }

    /** Reads the chain as a user would until what it read satisfies {@code done} (at most 60 s), then kills the victim. */
    private void watchAndKill(Process victim, Reported reported, java.util.function.Predicate<Reported> done)
            throws InterruptedException {
        long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode chain = NodeProcess.chain(victimPort);
            reported.height = chain.get("height").asLong();
            reported.hash = chain.get("bestHash").asString();
            if (done.test(reported) || System.nanoTime() >= giveUp) {
                break;
            }
            Thread.sleep(20);
        }
        victim.destroyForcibly().waitFor();
    }

    private Process startVictim(String... extra) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("--tallynet.api.token=" + TOKEN));
        arguments.addAll(List.of(extra));
        Process victim = NodeProcess.start(victimDir, victimPort, jvm(), java.util.Map.of(), arguments.toArray(String[]::new));
        awaitReady(victimPort);
        return victim;
    }

    /**
     * Starts the victim again on its data, as it was left, and reads from its log what the journal gave back
     * and how many blocks were applied again to the unspent outputs (written only in batches), and whether a torn
     * H2 commit was found (entries left marked uncommitted, committed at start).
     */
    private Process restart(String... extra) throws Exception {
        Process restarted = startVictim(extra);
        String log = Files.readString(newestLog());
        Matcher replay = REPLAYED.matcher(log);
        if (replay.find() && Long.parseLong(replay.group(2)) > 0) {
            restartsThatReplayed++;
            blocksReplayed += Long.parseLong(replay.group(2));
        }
        Matcher applied = COINS_APPLIED.matcher(log);
        if (applied.find()) {
            restartsThatAppliedCoins++;
            coinsBlocksApplied += Long.parseLong(applied.group(2)) - Long.parseLong(applied.group(1)) + 1;
        }
        Matcher swept = SWEPT.matcher(log);
        if (swept.find()) {
            restartsThatSwept++;
            entriesSwept += Long.parseLong(swept.group(1));
        }
        return restarted;
    }

    /** The victim's newest log's last warnings and errors, for a failure's message; empty if it has none. */
    private String victimWarnings() {
        try (Stream<String> lines = Files.lines(newestLog())) {
            List<String> warnings = lines.filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")).toList();
            List<String> last = warnings.subList(Math.max(0, warnings.size() - 8), warnings.size());
            return last.isEmpty() ? "" : "; the victim's last warnings:\n" + String.join("\n", last);
        } catch (IOException | RuntimeException e) {
            return "; the victim's log could not be read: " + e;
        }
    }

    private long stopAndVerify(Process victim) throws Exception {
        check(NodeProcess.stop(victim, Duration.ofSeconds(30)), "the victim did not stop on SIGTERM");
        return StoredChainCheck.verify(victimDir).height();
    }

    private Path newestLog() throws IOException {
        try (Stream<Path> files = Files.list(victimDir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("node-")).max(java.util.Comparator.naturalOrder())
                    .orElseThrow();
        }
    }

    private static List<String> jvm() {
        // C1 only: these nodes mine the easy chain, and start twice a round
        return List.of("-Xmx256m", "-XX:TieredStopAtLevel=1");
    }

    private static void awaitReady(int port) {
        await("the node on port " + port + " to be ready").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> NodeProcess.get(port, "/actuator/health/readiness").statusCode() == 200);
    }

    /** Null when the node is gone (killed mid-request). */
    private static HttpResponse<String> post(int port, String path, String body) {
        try {
            return NodeProcess.post(port, path, TOKEN, body);
        } catch (IllegalStateException killed) {
            return null;
        }
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        synchronized (random) {
            random.nextBytes(bytes);
        }
        return bytes;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            throw new AssertionError(failure);
        }
    }
}
