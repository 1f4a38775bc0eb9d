package net.tallynet.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;

/** Paths into the checkout, and the services' images built from their real Dockerfiles. */
final class Project {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    /** The registry-free base image scripts/docker-base-image.sh builds; the public Temurin JRE otherwise. */
    static final String LOCAL_BASE = "tallynet/java-base:25";

    private Project() {
    }

    static String baseImage() {
        String configured = System.getenv("TALLYNET_BASE_IMAGE");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        try {
            DockerClientFactory.instance().client().inspectImageCmd(LOCAL_BASE).exec();
            return LOCAL_BASE;
        } catch (RuntimeException e) {
            return "eclipse-temurin:25-jre";
        }
    }

    /**
     * Builds {@code <service>/Dockerfile} with the docker CLI, as a user would, and returns the image
     * name; the image it replaces under that name is removed. The jar must have been packaged.
     */
    static String image(String service) {
        return image(service, "tallynet-e2e/" + service + ":latest");
    }

    static synchronized String image(String service, String name) {
        Path dir = ROOT.resolve(service);
        if (!Files.isRegularFile(dir.resolve("target/image/application/app.jar"))) {
            throw new IllegalStateException("no " + service + "/target/image: run mvn package first");
        }
        String previous = run(Duration.ofMinutes(1), "docker", "image", "inspect", "-f", "{{.Id}}", name);
        // --force-rm: a failed RUN step leaves no stopped container behind
        String output = run(Duration.ofMinutes(10), "docker", "build", "--force-rm", "--build-arg", "BASE_IMAGE=" + baseImage(),
                "-t", name, dir.toString());
        if (output == null) {
            throw new IllegalStateException("docker build of " + service + " failed");
        }
        if (previous != null) {
            // the tag moved to the new image: the old one would stay behind as a dangling image
            String current = run(Duration.ofMinutes(1), "docker", "image", "inspect", "-f", "{{.Id}}", name);
            if (!previous.equals(current) && run(Duration.ofMinutes(1), "docker", "image", "rm", previous.strip()) == null) {
                // the usual cause: a container, running or stopped, still made from the old image
                System.out.println("the image " + name + " replaced stays behind; containers made from it: "
                        + run(Duration.ofMinutes(1), "docker", "ps", "-a", "--filter", "ancestor=" + previous.strip()));
            }
        }
        return name;
    }

    /** Runs a command; its output, or null (with the output printed) when it fails. */
    static String run(Duration limit, String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor(limit.toSeconds(), TimeUnit.SECONDS) && process.exitValue() == 0) {
                return output;
            }
            System.out.println(String.join(" ", command) + " failed: " + output.substring(Math.max(0, output.length() - 2000)));
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
