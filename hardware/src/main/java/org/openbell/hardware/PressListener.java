package org.openbell.hardware;

/** Told of each accepted press, on the board's own thread: must not block. */
@FunctionalInterface
public interface PressListener {

    void onPress(ButtonPress press);
}
