package net.tallynet.lab.scenario;

import java.time.Duration;

/**
 * How one direction of a link behaves, in the spirit of tc-netem: each chunk of bytes waits
 * {@code latency} plus or minus up to {@code jitter} (order kept, as TCP keeps it), and is lost with
 * probability {@code loss}; {@code bytesPerSecond} (0: unlimited) serialises what is sent.
 */
public record LinkShape(Duration latency, Duration jitter, double loss, long bytesPerSecond) {
    public static final LinkShape LOOPBACK = new LinkShape(Duration.ZERO, Duration.ZERO, 0, 0);

    public LinkShape {
        if (latency.isNegative() || jitter.isNegative()) {
            throw new ScenarioException("links: latency and jitter must not be negative");
        }
        if (!(loss >= 0 && loss < 1)) {
            throw new ScenarioException("links: loss is a fraction from 0 up to (not including) 1, was " + loss);
        }
    }

    @Override
    public String toString() {
        return "latency " + latency.toMillis() + " ms, jitter " + jitter.toMillis() + " ms, loss " + loss
                + (bytesPerSecond == 0 ? "" : ", " + bytesPerSecond * 8 / 1000 + " kbit/s");
    }
}
