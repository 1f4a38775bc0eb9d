package net.tallynet.lab.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One node process of a lab run: started, killed, paused and restarted on the same data. */
public final class LabNode {
    public enum State { RUNNING, PAUSED, STOPPED }

    private final int id;
    private final int p2pPort;
    private final int apiPort;
    private final Path dataDir;
    private final Path log;
    private final List<String> settings;
    private final NodeCommand command;
    private volatile Process process;
    private volatile State state = State.STOPPED;
    private volatile String address;

    LabNode(int id, int p2pPort, int apiPort, Path runDir, NodeCommand command, List<String> settings) {
        this.id = id;
        this.p2pPort = p2pPort;
        this.apiPort = apiPort;
        this.dataDir = runDir.resolve("nodes").resolve(name());
        this.log = runDir.resolve("nodes").resolve(name() + ".log");
        this.command = command;
        this.settings = settings;
    }

    public int id() {
        return id;
    }

    public String name() {
        return "node" + id;
    }

    public int p2pPort() {
        return p2pPort;
    }

    public int apiPort() {
        return apiPort;
    }

    public Path log() {
        return log;
    }

    public State state() {
        return state;
    }

    /** Running and not paused: able to answer. */
    public boolean live() {
        return state == State.RUNNING && process != null && process.isAlive();
    }

    /** Its wallet's address, once read. */
    public String address() {
        return address;
    }

    void address(String address) {
        this.address = address;
    }

    synchronized void start() throws IOException {
        Files.createDirectories(dataDir);
        ProcessBuilder builder = new ProcessBuilder(command.command(settings)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(command.environment());
        process = builder.start();
        state = State.RUNNING;
    }

    synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
        state = State.STOPPED;
    }

    /** SIGTERM, then SIGKILL after {@code graceSeconds}. */
    synchronized void stop(int graceSeconds) throws InterruptedException {
        if (process != null && process.isAlive()) {
            if (state == State.PAUSED) {
                signal("CONT");
            }
            process.destroy();
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        state = State.STOPPED;
    }

    synchronized void pause() throws IOException, InterruptedException {
        if (live()) {
            signal("STOP");
            state = State.PAUSED;
        }
    }

    synchronized void resume() throws IOException, InterruptedException {
        if (state == State.PAUSED) {
            signal("CONT");
            state = State.RUNNING;
        }
    }

    /** SIGSTOP and SIGCONT have no Java API: {@code kill -STOP pid}. */
    private void signal(String name) throws InterruptedException {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("cannot send SIG" + name + " to " + name() + ": " + e.getMessage(), e);
        }
    }
}
