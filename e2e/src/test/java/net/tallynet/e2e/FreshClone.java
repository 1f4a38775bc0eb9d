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
     * Adds the service jars this build packaged and extracted ({@code target/app/}, what the devnet
     * runs), with their times: the devnet script then sees them up to date with the (equally dated)
     * sources and skips its own Maven build, which would take minutes here. Without them (only e2e
     * built), or with sources changed since, the script builds in the copy. A start-up cache (app.aot)
     * is left out: it belongs to its own path, and the script makes one for the copy as a user's first
     * run would.
     */
    static void withServiceJars(Path root, Path clone) throws IOException {
        for (String module : new String[] {"tracker-service", "node-service"}) {
            Path app = root.resolve(module).resolve("target/app");
            if (!Files.isRegularFile(app.resolve("app.jar"))) {
                System.out.println("no " + module + "/target/app: the devnet script builds it in the copy");
                continue;
            }
            try (Stream<Path> files = Files.walk(app)) {
                for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("app.aot")).toList()) {
                    Path copy = clone.resolve(module).resolve("target/app").resolve(app.relativize(file).toString());
                    Files.createDirectories(copy.getParent());
                    Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
