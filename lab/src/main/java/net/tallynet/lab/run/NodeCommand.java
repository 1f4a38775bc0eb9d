package net.tallynet.lab.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a node process is started: the devnet's way. Its JVM options come from scripts/service-jvm.sh
 * itself (serial GC, a small growing heap, the JDK's AOT cache made for this build, C1 only, the
 * user's TALLYNET_JAVA_OPTIONS), asked once through bash, so the lab and the devnet never drift apart.
 */
public record NodeCommand(String java, List<String> jvmOptions, Map<String, String> environment, Path jar) {

    /** Asks scripts/service-jvm.sh of the project at {@code root} for the options of {@code jar} (making its AOT cache if missing). */
    public static NodeCommand devnet(Path root, Path jar) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no node jar at " + jar + " (build it: ./tallynet lab does, or mvn package -pl node-service -am)");
        }
        String script = ". scripts/service-jvm.sh; ensure_aot_caches \"$1\" >&2; echo \"MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX\";"
                + " printf '%s\\n' \"${JVM_OPTIONS[@]}\"; fast_start_options \"$1\"; printf '%s\\n' \"${DEVNET_JIT[@]}\";"
                + " [ ${#USER_JAVA_OPTIONS[@]} -eq 0 ] || printf '%s\\n' \"${USER_JAVA_OPTIONS[@]}\"";
        Process bash = new ProcessBuilder("bash", "-c", script, "service-jvm", jar.toAbsolutePath().toString())
                .directory(root.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (bash.waitFor() != 0) {
            throw new IOException("scripts/service-jvm.sh could not give the node's JVM options");
        }
        List<String> lines = out.lines().filter(line -> !line.isBlank()).toList();
        String java = ProcessHandle.current().info().command().orElse("java");
        // the first line is the environment the script exports (glibc's arenas), the rest are JVM options
        String[] arenas = lines.getFirst().split("=", 2);
        return new NodeCommand(java, List.copyOf(lines.subList(1, lines.size())), Map.of(arenas[0], arenas[1]),
                jar.toAbsolutePath());
    }

    List<String> command(List<String> settings) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(settings);
        return command;
    }
}
