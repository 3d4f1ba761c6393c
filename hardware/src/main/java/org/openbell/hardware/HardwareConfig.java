package org.openbell.hardware;

import java.time.Duration;
import java.util.Objects;

/**
 * The doorbell's wiring and timing. Pins are BCM (GPIO) numbers.
 *
 * @param mode            AUTO: GPIO on a Raspberry Pi, simulated elsewhere
 * @param buttonPin       button input
 * @param buttonPull      internal resistor of the button input
 * @param buttonActiveLow true when the input reads LOW while pressed (button to GND, pull-up)
 * @param debounce        the input must stay active this long for a press to count
 * @param lockout         after an accepted press, presses starting within this time are ignored
 * @param chimePin        chime output
 * @param chimeActiveHigh true when the chime sounds while the output is HIGH
 * @param chimeDuration   how long one press sounds the chime
 * @param ledPin          status LED output
 * @param ledActiveHigh   true when the LED lights while the output is HIGH
 * @param strike          the door strike's relay, if one is wired (none by default)
 * @param pir             the PIR motion sensor, if one is wired (none by default)
 */
public record HardwareConfig(Mode mode, int buttonPin, Pull buttonPull, boolean buttonActiveLow,
        Duration debounce, Duration lockout, int chimePin, boolean chimeActiveHigh, Duration chimeDuration,
        int ledPin, boolean ledActiveHigh, java.util.Optional<Strike> strike, java.util.Optional<Pir> pir) {

    /**
     * A PIR sensor's output on {@code pin} ({@code activeHigh}: HIGH while it sees motion, as the
     * common HC-SR501 does): motion starts after {@code debounce} of activity and ends after
     * {@code hold} without (1 s to 10 min).
     */
    public record Pir(int pin, Pull pull, boolean activeHigh, Duration debounce, Duration hold) {
        public Pir {
            requirePin("hardware.pir.pin", pin);
            Objects.requireNonNull(pull, "hardware.pir.pull");
            requirePositive("hardware.pir.debounce", debounce);
            Objects.requireNonNull(hold, "hardware.pir.hold");
            if (hold.compareTo(Duration.ofSeconds(1)) < 0 || hold.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("hardware.pir.hold must be 1s to 10m, was " + hold);
            }
        }
    }

    /** With a door strike, without a PIR sensor. */
    public HardwareConfig(Mode mode, int buttonPin, Pull buttonPull, boolean buttonActiveLow, Duration debounce, Duration lockout,
            int chimePin, boolean chimeActiveHigh, Duration chimeDuration, int ledPin, boolean ledActiveHigh,
            java.util.Optional<Strike> strike) {
        this(mode, buttonPin, buttonPull, buttonActiveLow, debounce, lockout, chimePin, chimeActiveHigh, chimeDuration, ledPin,
                ledActiveHigh, strike, java.util.Optional.empty());
    }

    /**
     * A door strike (or gate) relay on {@code pin}, energised ({@code activeHigh}: HIGH) for
     * {@code pulse} per opening, 0.5 s to 15 s: never left on.
     */
    public record Strike(int pin, boolean activeHigh, Duration pulse) {
        public Strike {
            requirePin("hardware.strike.pin", pin);
            Objects.requireNonNull(pulse, "hardware.strike.pulse");
            if (pulse.compareTo(Duration.ofMillis(500)) < 0 || pulse.compareTo(Duration.ofSeconds(15)) > 0) {
                throw new IllegalArgumentException("hardware.strike.pulse must be 0.5s to 15s, was " + pulse);
            }
        }
    }

    /** Without a door strike. */
    public HardwareConfig(Mode mode, int buttonPin, Pull buttonPull, boolean buttonActiveLow, Duration debounce, Duration lockout,
            int chimePin, boolean chimeActiveHigh, Duration chimeDuration, int ledPin, boolean ledActiveHigh) {
        this(mode, buttonPin, buttonPull, buttonActiveLow, debounce, lockout, chimePin, chimeActiveHigh, chimeDuration, ledPin,
                ledActiveHigh, java.util.Optional.empty(), java.util.Optional.empty());
    }

    public enum Mode { AUTO, GPIO, SIMULATED }

    public enum Pull { UP, DOWN, OFF }

    public HardwareConfig {
        Objects.requireNonNull(mode, "hardware.mode");
        Objects.requireNonNull(buttonPull, "hardware.button.pull");
        requirePin("hardware.button.pin", buttonPin);
        requirePin("hardware.chime.pin", chimePin);
        requirePin("hardware.led.pin", ledPin);
        if (buttonPin == chimePin || buttonPin == ledPin || chimePin == ledPin) {
            throw new IllegalArgumentException("hardware pins must differ: button " + buttonPin + ", chime " + chimePin + ", led " + ledPin);
        }
        Objects.requireNonNull(strike, "hardware.strike");
        Objects.requireNonNull(pir, "hardware.pir");
        if (pir.isPresent() && (java.util.Set.of(buttonPin, chimePin, ledPin).contains(pir.get().pin())
                || strike.isPresent() && strike.get().pin() == pir.get().pin())) {
            throw new IllegalArgumentException("hardware.pir.pin " + pir.get().pin() + " is already in use");
        }
        if (strike.isPresent() && java.util.Set.of(buttonPin, chimePin, ledPin).contains(strike.get().pin())) {
            throw new IllegalArgumentException("hardware.strike.pin " + strike.get().pin() + " is already the button's, chime's or LED's");
        }
        requirePositive("hardware.button.debounce", debounce);
        Objects.requireNonNull(lockout, "hardware.button.lockout");
        if (lockout.isNegative()) {
            throw new IllegalArgumentException("hardware.button.lockout must not be negative, was " + lockout);
        }
        requirePositive("hardware.chime.duration", chimeDuration);
        if (debounce.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("hardware.button.debounce must be at most 1s, was " + debounce);
        }
    }

    public static HardwareConfig defaults() {
        return new HardwareConfig(Mode.AUTO, 17, Pull.UP, true, Duration.ofMillis(15), Duration.ofSeconds(2),
                27, true, Duration.ofMillis(1500), 22, true);
    }

    private static void requirePin(String field, int pin) {
        if (pin < 0 || pin > 27) {
            throw new IllegalArgumentException(field + " must be a BCM pin from 0 to 27, was " + pin);
        }
    }

    private static void requirePositive(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(field + " must be positive, was " + d);
        }
    }
}
