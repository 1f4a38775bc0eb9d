package net.tallynet.lab.run;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Something done at exponential intervals of a given mean (a Poisson process: blocks found, payments
 * made), on its own thread until stopped. An action that takes long delays the next one, never
 * piles them up.
 */
abstract class PoissonLoad {
    private final String name;
    private final Duration mean;
    private volatile boolean running;
    /** Events that threw; only this thread writes it. */
    private volatile int failedEvents;
    private Thread thread;

    PoissonLoad(String name, Duration mean) {
        this.name = name;
        this.mean = mean;
    }

    void start() {
        running = true;
        thread = Thread.ofVirtual().name(name).start(() -> {
            while (running) {
                double wait = -Math.log(1 - ThreadLocalRandom.current().nextDouble()) * mean.toNanos();
                EventFeed.sleep(Duration.ofNanos((long) wait));
                if (running) {
                    try {
                        once();
                    } catch (RuntimeException e) {
                        // one failed event (an answer of an unexpected shape) must not end the load
                        failedEvents++;
                    }
                }
            }
        });
    }

    void stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join();
        }
    }

    /** Events that failed with an exception (not counted by the implementation's own tallies). */
    int failedEvents() {
        return failedEvents;
    }

    /** One event; what fails in an expected way is counted by the implementation. */
    abstract void once();
}
