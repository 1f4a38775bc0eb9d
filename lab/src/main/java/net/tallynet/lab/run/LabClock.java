package net.tallynet.lab.run;

/** Milliseconds since the run's timeline started (negative before it has). */
public final class LabClock {
    private volatile long startNanos = System.nanoTime();

    void start() {
        startNanos = System.nanoTime();
    }

    public long millis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
