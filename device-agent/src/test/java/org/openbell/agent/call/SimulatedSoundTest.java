package org.openbell.agent.call;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's and the benchmark's simulated sound devices. */
class SimulatedSoundTest {

    /**
     * The microphone hears a 250 ms burst every second, and the reported burst starts (the
     * talk-back benchmark's reference, timed where the media worker listens) are what an
     * independent recording of the microphone hears.
     */
    @Test
    void reportedBurstStartsAreWhenTheMicrophoneHearsThem() throws Exception {
        assumeTrue(SimulatedSound.unavailableReason() == null, SimulatedSound.unavailableReason());
        try (SimulatedSound sound = SimulatedSound.start(Path.of("target", "sound-timing-test"), 1000)) {
            ProcessBuilder parec = new ProcessBuilder("parec", "--device=doorbell_mic_feed.monitor", "--format=s16le",
                    "--rate=48000", "--channels=1", "--latency-msec=10");
            parec.environment().put("PULSE_SERVER", sound.server());
            Process recorder = parec.start();
            // Sample-accurate onsets from a plain recording: the first sample is dated when it arrives.
            byte[] recording;
            long firstSampleAt;
            try (InputStream in = recorder.getInputStream()) {
                byte[] first = in.readNBytes(2);
                firstSampleAt = System.currentTimeMillis();
                byte[] rest = in.readNBytes(48_000 * 2 * 4);
                recording = new byte[first.length + rest.length];
                System.arraycopy(first, 0, recording, 0, first.length);
                System.arraycopy(rest, 0, recording, first.length, rest.length);
            } finally {
                recorder.destroy();
            }
            List<Long> heard = new ArrayList<>();
            int lastLoud = -48_000;
            for (int i = 0; i + 1 < recording.length; i += 2) {
                int sample = i / 2;
                short v = (short) ((recording[i] & 0xff) | (recording[i + 1] << 8));
                if (Math.abs(v) > 3000) {
                    if (sample - lastLoud > 48_000 * 3 / 10 && sample > 48_000 * 3 / 10) {
                        heard.add(firstSampleAt + sample * 1000L / 48_000);
                    }
                    lastLoud = sample;
                }
            }
            List<Long> reported = sound.burstStarts();
            assertTrue(heard.size() >= 3, "bursts heard: " + heard);
            for (long onset : heard) {
                long nearest = reported.stream().mapToLong(r -> onset - r).filter(d -> d >= -20).min().orElse(Long.MAX_VALUE);
                assertTrue(nearest < 100, "burst heard at " + onset + " is " + nearest + " ms after the nearest reported start " + reported);
            }
            for (int i = 1; i < heard.size(); i++) {
                long period = heard.get(i) - heard.get(i - 1);
                assertTrue(Math.abs(period - 1000) < 100, "bursts a second apart: " + heard);
            }
        }
    }

    /** The demo's sound server starts from a relative state directory (the default `.openbell`). */
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
