package org.openbell.hardware;

/** The status LED. */
@FunctionalInterface
public interface StatusLed {

    /** Shows a pattern until another is shown; returns at once. */
    void show(LedPattern pattern);
}
