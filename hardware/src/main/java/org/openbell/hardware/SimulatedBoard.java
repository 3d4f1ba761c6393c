package org.openbell.hardware;

/** A board without real GPIO (Pi4J's mock platform) whose button can be pressed from software. */
public interface SimulatedBoard extends Board {

    /**
     * Simulates a visitor's press: drives the mock input to its active level, holds it ~80 ms,
     * releases it. The edges travel the same debounce and lockout path as real GPIO edges.
     */
    void press();

    /** Simulates a PIR sensor seeing someone for {@code seconds} (if one is wired), through the real debounce and hold. */
    default void motion(java.time.Duration seen) {
        throw new UnsupportedOperationException("no PIR sensor on this board");
    }
}
