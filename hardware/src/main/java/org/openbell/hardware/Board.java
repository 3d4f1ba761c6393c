package org.openbell.hardware;

/** The doorbell's hardware: one button, one chime, one status LED. Opened by {@link Boards#open}. */
public interface Board extends AutoCloseable {

    Button button();

    Chime chime();

    StatusLed statusLed();

    /** The PIR motion sensor, if one is wired ({@code hardware.pir}). */
    default java.util.Optional<MotionSensor> motionSensor() {
        return java.util.Optional.empty();
    }

    /** The door strike's relay, if one is wired ({@code hardware.strike}). */
    default java.util.Optional<DoorStrike> doorStrike() {
        return java.util.Optional.empty();
    }

    /** What this board is, in words, for the startup log and the status page. */
    String description();

    /** Releases the GPIO lines and the board's thread. */
    @Override
    void close();
}
