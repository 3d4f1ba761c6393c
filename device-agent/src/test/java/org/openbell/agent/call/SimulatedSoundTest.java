package org.openbell.agent.call;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The demo's sound server starts from a relative state directory (the default `.openbell`). */
class SimulatedSoundTest {

    @Test
    void startsFromARelativeDirectoryAndStops() throws Exception {
        assumeTrue(SimulatedSound.unavailableReason() == null, SimulatedSound.unavailableReason());
        Path relative = Path.of("target", "sound-test");
        try (SimulatedSound sound = SimulatedSound.start(relative, 1000)) {
            assertTrue(sound.server().startsWith("unix:/"), sound.server());
            assertTrue(Files.exists(relative.resolve("pulse.sock")));
        }
    }
}
