package org.openbell.agent.signaling;

import java.time.Duration;

/**
 * At most {@code lines} log lines per {@code window}: what a flood of hostile messages may cost in
 * logging. Thread-safe.
 */
final class LogBudget {

    private final int lines;
    private final long windowNanos;
    private long windowStart = System.nanoTime();
    private int used;
    private long skipped;

    LogBudget(int lines, Duration window) {
        this.lines = lines;
        this.windowNanos = window.toNanos();
    }

    /** -1: do not log this one; otherwise log it, with the number skipped since the last line logged. */
    synchronized long take() {
        long now = System.nanoTime();
        if (now - windowStart >= windowNanos) {
            windowStart = now;
            used = 0;
        }
        if (used >= lines) {
            skipped++;
            return -1;
        }
        used++;
        long s = skipped;
        skipped = 0;
        return s;
    }
}
