package net.tallynet.tracker.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.tallynet.tracker.FakeMembers;
import net.tallynet.tracker.TestPeer;
import net.tallynet.tracker.TrackerApplication;
import net.tallynet.tracker.member.MemberRepository;
import net.tallynet.tracker.member.MemberStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Not part of the test command (the name does not end in Test): run with
 * {@code ./tallynet bench-tracker [members]}. Registers N lightweight members (one NIO selector
 * answering HELLO on N loopback ports) through real GETADDR frames, a connection each, then times full check rounds
 * and prints them beside the configured interval, with the process's CPU time and heap.
 */
class TrackerCheckBenchmark {
    @TempDir
    Path dataDir;

    @Test
    void checkRoundOfManyMembers() throws Exception {
        int count = Integer.getInteger("tallynet.bench.members", 10_000);
        Duration interval = Duration.ofSeconds(30);
        try (FakeMembers fake = new FakeMembers(count);
             ConfigurableApplicationContext tracker = new SpringApplicationBuilder(TrackerApplication.class).run(
                     "--server.port=0", "--tallynet.data-dir=" + dataDir, "--tallynet.checks.enabled=false",
                     // one host registers everyone: lift the per-host rate limit, and the per-host and
                     // per-prefix caps on the member table, for it
                     "--tallynet.members.registration-burst=" + (count + 10),
                     "--tallynet.members.max-per-host=" + (count + 10),
                     "--tallynet.members.max-per-prefix=" + (count + 10),
                     "--logging.level.net.tallynet=WARN")) {
            int port = ((WebServerApplicationContext) tracker).getWebServer().getPort();
            List<Integer> ports = fake.ports();

            long registrationStart = System.nanoTime();
            // one connection each, as nodes register: the tracker closes a connection once it has answered
            for (int listenPort : ports) {
                TestPeer.register(port, String.format("be%014x", listenPort), listenPort);
            }
            Duration registration = Duration.ofNanos(System.nanoTime() - registrationStart);
            MemberRepository members = tracker.getBean(MemberRepository.class);
            assertThat(members.countByStatus(MemberStatus.ACTIVE)).isEqualTo(count);

            MemberChecker checker = tracker.getBean(MemberChecker.class);
            OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            System.out.printf("%nTracker check benchmark: %,d members, concurrency %d, timeout %s, interval %s%n",
                    count, tracker.getBean(ChecksProperties.class).concurrency(),
                    tracker.getBean(ChecksProperties.class).timeout(), interval);
            System.out.printf("  registration of %,d members, a connection each, one after another (rate limits lifted): %,d ms (%,.0f/s)%n", count,
                    registration.toMillis(), count / (registration.toNanos() / 1e9));
            for (int round = 1; round <= 3; round++) {
                long cpuBefore = os.getProcessCpuTime();
                MemberChecker.RoundResult result = checker.runRound();
                long cpu = os.getProcessCpuTime() - cpuBefore;
                System.gc();
                System.out.printf("  round %d: %,d checked, %,d ok, %,d failed in %,d ms = %.3f of the interval; "
                                + "process CPU %,d ms (%.2f cores); heap after GC %,d MB%n",
                        round, result.checked(), result.ok(), result.failed(), result.took().toMillis(),
                        (double) result.took().toMillis() / interval.toMillis(), cpu / 1_000_000,
                        cpu / (double) result.took().toNanos(), memory.getHeapMemoryUsage().getUsed() / (1024 * 1024));
                assertThat(result.checked()).isEqualTo(count);
            }
            System.out.printf("  fake members answered %,d HELLOs (the members' side runs in this process too)%n%n",
                    fake.hellosAnswered());
        }
    }
}
