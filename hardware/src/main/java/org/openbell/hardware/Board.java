package org.openbell.hardware;

/** The doorbell's hardware: one button, one chime, one status LED. Opened by {@link Boards#open}. */
public interface Board extends AutoCloseable {

    Button button();

    Chime chime();

    StatusLed statusLed();

    /** What this board is, in words, for the startup log and the status page. */
    String description();

    /** Releases the GPIO lines and the board's thread. */
    @Override
    void close();
}
