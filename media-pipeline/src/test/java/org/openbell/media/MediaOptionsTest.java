package org.openbell.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The worker's command line: what the agent writes, the worker reads back the same. */
class MediaOptionsTest {

    @Test
    void optionsSurviveTheCommandLine() {
        MediaOptions o = new MediaOptions("rpicam", 1280, 720, 25, "pulse", Optional.of(Path.of("/tmp/x.wav")), 40000, 40100);
        assertEquals(o, MediaOptions.parse(o.toArgs().toArray(String[]::new)));
        assertEquals(MediaOptions.defaults(), MediaOptions.parse(new String[0]));
    }

    @Test
    void badOptionsAreRefusedWithTheirName() {
        assertMessage("video size", () -> new MediaOptions("synthetic", 641, 480, 30, "headless", Optional.empty(), 0, 0));
        assertMessage("fps", () -> new MediaOptions("synthetic", 640, 480, 0, "headless", Optional.empty(), 0, 0));
        assertMessage("audio", () -> new MediaOptions("synthetic", 640, 480, 30, "loud", Optional.empty(), 0, 0));
        assertMessage("unknown option", () -> MediaOptions.parse(new String[] {"--colour", "red"}));
        assertMessage("missing value", () -> MediaOptions.parse(new String[] {"--fps"}));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
