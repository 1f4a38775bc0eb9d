package net.tallynet.p2p;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Work a service repeats on its own thread while it runs (registration, dialling, relay batches).
 * A failing run is logged and the next one comes anyway: a background loop must never die quietly.
 * Starts after the web server (late phase), so the listening port is known.
 */
public abstract class PeriodicTask implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

    private final String name;
    private ScheduledExecutorService scheduler;

    protected PeriodicTask(String name) {
        this.name = name;
    }

    protected abstract boolean enabled();

    protected abstract Duration firstDelay();

    protected abstract Duration period();

    /** The wait after one run before the next: the period, unless a subclass spreads it out (jitter). */
    protected Duration nextDelay() {
        return period();
    }

    protected abstract void tick();

    /** Runs {@code work} once after {@code delay}, on this task's thread, if the task still runs. */
    protected void later(Runnable work, Duration delay) {
        ScheduledExecutorService running = scheduler;
        if (running != null) {
            try {
                // in nanos: a relay timer due in 0.7 ms must not be asked again and again at 0 ms
                running.schedule(() -> safely(work), delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException stopped) {
                // stop() shut the executor down meanwhile
            }
        }
    }

    @Override
    public synchronized void start() {
        if (enabled() && scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(name).daemon().factory());
            runAfter(scheduler, firstDelay());
        }
    }

    /** Each run schedules the next when it ends, so a slow run never overlaps the next one. */
    private void runAfter(ScheduledExecutorService running, Duration delay) {
        try {
            running.schedule(() -> {
                safely(this::tick);
                runAfter(running, nextDelay());
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // stop() shut the executor down while this run was finishing
        }
    }

    private void safely(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            log.warn("{} failed; it runs again next period", name, e);
        }
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }
}
