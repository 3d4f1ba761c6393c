package org.openbell.signaling.mqtt;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential (initial, 2x, 4x... capped at max) with "equal jitter": each
 * delay is drawn uniformly from [cap/2, cap], so a fleet of doorbells that lost the same broker
 * does not reconnect in lock-step, yet none retries in a tight loop. Not thread-safe.
 */
final class Backoff {

    private final long initialNanos;
    private final long maxNanos;
    private final RandomGenerator random;
    private int failures;

    Backoff(Duration initial, Duration max, RandomGenerator random) {
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
    }

    /** The delay before the next attempt; each call counts one more failure. */
    Duration next() {
        long cap = failures >= 40 ? maxNanos : Math.min(maxNanos, initialNanos << Math.min(failures, 40));
        if (cap <= 0) {
            cap = maxNanos;
        }
        failures++;
        long half = cap / 2;
        return Duration.ofNanos(half + (cap - half <= 0 ? 0 : random.nextLong(cap - half + 1)));
    }

    /** After a successful connect. */
    void reset() {
        failures = 0;
    }
}
