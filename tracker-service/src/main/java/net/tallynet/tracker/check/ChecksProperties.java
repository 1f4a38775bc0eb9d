package net.tallynet.tracker.check;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Scheduled HELLO checks ({@code tallynet.checks.*}, operating contract).
 *
 * @param interval     time between the start of one round and the next, before jitter
 * @param timeout      a member must answer HEY within this (connect included)
 * @param maxFailures  consecutive failed checks after which a member becomes inactive
 * @param concurrency  checks in flight at once: thousands of members fit in one interval without thousands of sockets
 * @param jitter       each interval is stretched or shrunk by a random fraction up to this, so trackers don't beat in step
 * @param initialDelay wait before the first round after start-up
 * @param enabled      switch the checks off (tests of registration alone)
 */
@ConfigurationProperties("tallynet.checks")
public record ChecksProperties(
        @DefaultValue("30s") Duration interval,
        @DefaultValue("5s") Duration timeout,
        @DefaultValue("3") int maxFailures,
        @DefaultValue("256") int concurrency,
        @DefaultValue("0.1") double jitter,
        @DefaultValue("10s") Duration initialDelay,
        @DefaultValue("true") boolean enabled) {

    public ChecksProperties {
        if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero() || maxFailures < 1
                || concurrency < 1 || jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("invalid tallynet.checks settings");
        }
    }
}
