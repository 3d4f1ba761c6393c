package org.openbell.hardware;

import com.pi4j.Pi4J;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.Mock;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import java.time.Duration;

/** The simulated board: the real board code on Pi4J's mock GPIO providers. */
final class MockGpioBoard extends GpioBoard implements SimulatedBoard {

    static final Duration PRESS_HOLD = Duration.ofMillis(80);

    private final HardwareConfig config;
    private boolean held; // the board thread's

    MockGpioBoard(HardwareConfig config) {
        super(Pi4J.newContextBuilder().noAutoDetect()
                        .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
                        .build(),
                config, Mock.DIGITAL_INPUT_PROVIDER_ID, Mock.DIGITAL_OUTPUT_PROVIDER_ID,
                "simulated board (Pi4J mock GPIO: button BCM" + config.buttonPin() + ", chime BCM" + config.chimePin()
                        + ", LED BCM" + config.ledPin() + ")");
        this.config = config;
        mockInput().mockState(level(false));
        config.pir().ifPresent(pir -> mockPir().mockState(pir.activeHigh() ? DigitalState.LOW : DigitalState.HIGH)); // nobody there
    }

    /** The mock input: tests drive edges through it exactly as GPIO would. */
    MockDigitalInput mockInput() {
        return (MockDigitalInput) buttonInput;
    }

    @Override
    public void press() {
        onBoardThread(this::pressNow, Duration.ZERO);
    }

    /**
     * On the board thread. A press made while the previous simulated one is still held down (two
     * requests less than {@link #PRESS_HOLD} apart) follows it once it is released, instead of
     * vanishing: a real button cannot be pressed while down, but two clicks on the demo page can.
     */
    private void pressNow() {
        if (held) {
            onBoardThread(this::pressNow, Duration.ofMillis(20));
            return;
        }
        held = true;
        mockInput().mockState(level(true));
        onBoardThread(() -> {
            mockInput().mockState(level(false));
            held = false;
        }, PRESS_HOLD);
    }

    @Override
    public void motion(Duration seen) {
        if (pirInput == null) {
            throw new UnsupportedOperationException("no PIR sensor wired (hardware.pir)");
        }
        HardwareConfig.Pir pir = config.pir().orElseThrow();
        MockDigitalInput input = (MockDigitalInput) pirInput;
        onBoardThread(() -> input.mockState(pir.activeHigh() ? DigitalState.HIGH : DigitalState.LOW), Duration.ZERO);
        onBoardThread(() -> input.mockState(pir.activeHigh() ? DigitalState.LOW : DigitalState.HIGH), seen);
    }

    /** The PIR's mock input (tests drive chatter through it). */
    MockDigitalInput mockPir() {
        return (MockDigitalInput) pirInput;
    }

    private DigitalState level(boolean pressed) {
        return pressed == config.buttonActiveLow() ? DigitalState.LOW : DigitalState.HIGH;
    }
}
