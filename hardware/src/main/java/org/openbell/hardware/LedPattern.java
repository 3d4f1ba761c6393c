package org.openbell.hardware;

import java.time.Duration;

/**
 * What the status LED shows: steady when ready, slow blink while ringing, fast blink without a
 * broker, and a long slow pulse (1.5 s on, 1.5 s off) while the camera is being watched (a call or
 * a live view), so a visitor can tell.
 */
public enum LedPattern {
    OFF(Duration.ZERO), ON(Duration.ZERO), BLINK_SLOW(Duration.ofMillis(500)), BLINK_FAST(Duration.ofMillis(100)),
    WATCHED(Duration.ofMillis(1500));

    private final Duration halfPeriod;

    LedPattern(Duration halfPeriod) {
        this.halfPeriod = halfPeriod;
    }

    /** How long the LED stays on, then off; zero for steady patterns. */
    public Duration halfPeriod() {
        return halfPeriod;
    }
}
