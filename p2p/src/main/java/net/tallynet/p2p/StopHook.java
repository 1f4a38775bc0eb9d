package net.tallynet.p2p;

import org.springframework.context.SmartLifecycle;

/**
 * Work that must run when the service stops, in a given lifecycle phase: a higher phase stops
 * earlier (periodic tasks at {@code MAX_VALUE - 100}, the web server's graceful shutdown far below).
 */
public final class StopHook implements SmartLifecycle {
    private final int phase;
    private final Runnable onStop;
    private volatile boolean running;

    public StopHook(int phase, Runnable onStop) {
        this.phase = phase;
        this.onStop = onStop;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        onStop.run();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return phase;
    }
}
