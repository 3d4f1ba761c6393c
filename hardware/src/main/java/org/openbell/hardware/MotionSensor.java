package org.openbell.hardware;

import java.util.function.Consumer;

/** A PIR motion sensor, after debounce and hold: told {@code true} when motion starts, {@code false} when it ends. */
public interface MotionSensor {

    /** Sets the one listener (replacing any earlier one); called on the board's thread, must not block. */
    void setListener(Consumer<Boolean> listener);
}
