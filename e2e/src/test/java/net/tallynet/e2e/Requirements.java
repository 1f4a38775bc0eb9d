package net.tallynet.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/**
 * What the Docker suite needs and what happens without it: on a developer's machine a missing tool
 * skips the test with one line saying why; with {@code CI=true} it fails the build instead, since CI
 * must run everything ({@code .ci/run} installs and starts it all).
 */
final class Requirements {
    private Requirements() {
    }

    static void docker() {
        boolean available;
        try {
            available = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            available = false;
        }
        require(available, "no Docker engine answers (start one, or run .ci/run as root, which starts it)");
    }

    static void command(String... probe) {
        boolean ok;
        try {
            Process process = new ProcessBuilder(probe).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            ok = process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (Exception e) {
            ok = false;
        }
        require(ok, "'" + probe[0] + "' is not installed (Debian: see scripts/docker-engine.sh)");
    }

    private static void require(boolean condition, String why) {
        if (condition) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true and " + why + ": the Docker suite must run in CI");
        }
        System.out.println("Docker suite skipped: " + why);
        Assumptions.abort(why);
    }
}
