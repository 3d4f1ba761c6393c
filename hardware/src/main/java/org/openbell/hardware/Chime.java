package org.openbell.hardware;

/** The chime (a relay or buzzer). */
@FunctionalInterface
public interface Chime {

    /** Sounds the chime for the configured duration; returns at once. Ringing again restarts the pulse. */
    void ring();
}
