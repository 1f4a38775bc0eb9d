package net.tallynet.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;
import java.util.concurrent.TimeUnit;

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
     * name. The jar must have been packaged.
     */
    static String image(String service) {
        return image(service, "tallynet-e2e/" + service + ":latest");
    }

    static synchronized String image(String service, String name) {
        Path dir = ROOT.resolve(service);
        try (Stream<Path> jars = Files.list(dir.resolve("target"))) {
            if (jars.noneMatch(p -> p.getFileName().toString().endsWith("-exec.jar"))) {
                throw new IllegalStateException("no " + service + " jar: run mvn package first");
            }
        } catch (IOException e) {
            throw new IllegalStateException("no " + service + "/target: run mvn package first", e);
        }
        // Docker 20.10's classic builder on vfs storage sometimes fails a COPY step with "failed to get
        // layer ... layer does not exist" (moby#37965); the next attempt continues from the cached steps
        String output = "";
        for (int attempt = 1; attempt <= 4; attempt++) {
            try {
                Process build = new ProcessBuilder("docker", "build", "--build-arg", "BASE_IMAGE=" + baseImage(),
                        "-t", name, dir.toString()).redirectErrorStream(true).start();
                output = new String(build.getInputStream().readAllBytes());
                if (build.waitFor(10, TimeUnit.MINUTES) && build.exitValue() == 0) {
                    return name;
                }
            } catch (IOException e) {
                output = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            System.out.println("docker build of " + service + ", attempt " + attempt + " failed: "
                    + output.substring(Math.max(0, output.length() - 300)));
        }
        throw new IllegalStateException("docker build of " + service + " failed:\n" + output);
    }
}
