package org.openbell.hardware;

/** The doorbell button, after debounce and lockout. */
public interface Button {

    /** Sets the one listener told of accepted presses (replacing any earlier one). */
    void setListener(PressListener listener);
}
