package org.openbell.hardware;

import org.slf4j.LoggerFactory;

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

    MockGpioBoard(HardwareConfig config) {
        super(Pi4J.newContextBuilder().noAutoDetect()
                        .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
                        .build(),
                config, Mock.DIGITAL_INPUT_PROVIDER_ID, Mock.DIGITAL_OUTPUT_PROVIDER_ID,
                "simulated board (Pi4J mock GPIO: button BCM" + config.buttonPin() + ", chime BCM" + config.chimePin()
                        + ", LED BCM" + config.ledPin() + ")");
        this.config = config;
        mockInput().mockState(level(false));
    }

    /** The mock input: tests drive edges through it exactly as GPIO would. */
    MockDigitalInput mockInput() {
        return (MockDigitalInput) buttonInput;
    }

    @Override
    public void press() {
        if (mockInput().state() == level(true)) {
            LoggerFactory.getLogger(MockGpioBoard.class).info("Simulated press ignored: the button is still held down by the previous one");
            return;
        }
        mockInput().mockState(level(true));
        onBoardThread(() -> mockInput().mockState(level(false)), PRESS_HOLD);
    }

    private DigitalState level(boolean pressed) {
        return pressed == config.buttonActiveLow() ? DigitalState.LOW : DigitalState.HIGH;
    }
}
