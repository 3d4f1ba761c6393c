package org.openbell.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HardwareConfigTest {

    private static HardwareConfig with(int button, Duration debounce, Duration lockout, Duration chime) {
        return new HardwareConfig(HardwareConfig.Mode.SIMULATED, button, HardwareConfig.Pull.UP, true, debounce, lockout,
                27, true, chime, 22, true);
    }

    @Test
    void defaultsAreValid() {
        HardwareConfig d = HardwareConfig.defaults();
        assertEquals(17, d.buttonPin());
        assertEquals(Duration.ofMillis(15), d.debounce());
    }

    @Test
    void badValuesNameTheirField() {
        assertMessage("hardware.button.pin", () -> with(28, Duration.ofMillis(15), Duration.ZERO, Duration.ofSeconds(1)));
        assertMessage("hardware.button.debounce", () -> with(17, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1)));
        assertMessage("hardware.button.debounce", () -> with(17, Duration.ofSeconds(2), Duration.ZERO, Duration.ofSeconds(1)));
        assertMessage("hardware.button.lockout", () -> with(17, Duration.ofMillis(15), Duration.ofMillis(-1), Duration.ofSeconds(1)));
        assertMessage("hardware.chime.duration", () -> with(17, Duration.ofMillis(15), Duration.ZERO, Duration.ZERO));
        assertMessage("pins must differ", () -> with(27, Duration.ofMillis(15), Duration.ZERO, Duration.ofSeconds(1)));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
