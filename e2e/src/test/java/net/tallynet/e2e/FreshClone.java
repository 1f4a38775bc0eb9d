package net.tallynet.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * A copy of the checkout as a fresh clone has it: the files git tracks, as they are in the working tree,
 * and nothing else (no {@code devnet/}, no {@code data/}, no {@code target/}), so what only works because
 * of something left lying around in the developer's checkout fails here.
 */
final class FreshClone {
    private FreshClone() {
    }

    /** Copies the tracked files into {@code into}, keeping their times and permissions. */
    static Path of(Path root, Path into) throws IOException, InterruptedException {
        Process git = new ProcessBuilder("git", "ls-files", "-z").directory(root.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String listing = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (git.waitFor() != 0) {
            throw new IllegalStateException("git ls-files failed in " + root + ": the devnet test copies a git checkout");
        }
        for (String name : listing.split("\0")) {
            Path source = root.resolve(name);
            if (name.isEmpty() || !Files.isRegularFile(source)) {
                continue; // deleted in the working tree, not yet committed
            }
            Path target = into.resolve(name);
            Files.createDirectories(target.getParent());
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
        return into;
    }

    /**
     * Adds the service jars this build packaged, with their times: the devnet script then sees them up to
     * date with the (equally dated) sources and skips its own Maven build, which would take minutes here.
     * Without them (only e2e built), or with sources changed since, the script builds in the copy.
     */
    static void withServiceJars(Path root, Path clone) throws IOException {
        for (String module : new String[] {"tracker-service", "node-service"}) {
            Path target = root.resolve(module).resolve("target");
            if (!Files.isDirectory(target)) {
                System.out.println("no " + module + "/target: the devnet script builds it in the copy");
                continue;
            }
            try (Stream<Path> jars = Files.list(target)) {
                for (Path jar : jars.filter(p -> p.getFileName().toString().endsWith("-exec.jar")).toList()) {
                    Path copy = clone.resolve(module).resolve("target").resolve(jar.getFileName());
                    Files.createDirectories(copy.getParent());
                    Files.copy(jar, copy, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
