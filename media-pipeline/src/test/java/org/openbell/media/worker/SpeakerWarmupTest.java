package org.openbell.media.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onvoid.webrtc.media.audio.AudioDeviceModule;
import dev.onvoid.webrtc.media.audio.AudioLayer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, defect 7: the worker said ready before its speaker stream ran, so a call answered
 * within ~2 s of its worker's start heard the owner late. With a real PulseAudio server: after the
 * warm-up, a new speaker stream (as the call's is) is rendered steadily at once; here, without it,
 * the first stream on an idle speaker waited 1.0-1.8 s for its second pull.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpeakerWarmupTest {

    @Test
    void aSpeakerStreamStartedAfterTheWarmupIsRenderedAtOnce(@TempDir Path dir) throws Exception {
        try (PrivateSoundServer sound = PrivateSoundServer.start(dir)) {
            List<String> out = run(sound.address());
            assertEquals("true", value(out, "steady"), String.join("\n", out));
            long startToSteady = Long.parseLong(value(out, "startToSteadyMs"));
            assertTrue(startToSteady < 500, "the call's stream is rendered at once, not after a first block: " + out);
            long pullsAfterWarmupClosed = Long.parseLong(value(out, "pullsInTheSecondAfterTheProbeClosed"));
            assertTrue(pullsAfterWarmupClosed >= 80, "and keeps being rendered once the probe is gone (100 pulls/s): " + out);
        }
    }

    @Test
    void withoutASoundServerTheWarmupFailsClearly(@TempDir Path dir) throws Exception {
        List<String> out = run("unix:" + dir.resolve("nothing-here.sock"));
        assertTrue(value(out, "failed").startsWith("cannot start a speaker stream"), String.join("\n", out));
    }

    private static String value(List<String> out, String key) {
        return out.stream().filter(line -> line.startsWith(key + " ")).map(line -> line.substring(key.length() + 1))
                .findFirst().orElse("(no " + key + " line)");
    }

    private static List<String> run(String server) throws IOException, InterruptedException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Probe.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("PULSE_SERVER", server);
        Process p = builder.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return text.lines().toList();
    }

    /** Runs in its own JVM (the sound server is chosen by PULSE_SERVER, read by libpulse). */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            SpeakerWarmup warmup;
            try {
                warmup = SpeakerWarmup.start(5000);
            } catch (IllegalStateException e) {
                System.out.println("failed " + e.getMessage());
                System.exit(0);
                return;
            }
            System.out.println("steady " + warmup.steady());
            // A second stream, as the call's audio module opens, watched through its own callback.
            List<Long> pulls = new ArrayList<>();
            AudioDeviceModule call = new AudioDeviceModule(AudioLayer.kLinuxPulseAudio);
            call.setAudioSource((buffer, samples, bytes, channels, rate) -> {
                Arrays.fill(buffer, (byte) 0);
                synchronized (pulls) {
                    pulls.add(System.nanoTime());
                }
                return samples;
            });
            call.setPlayoutDevice(call.getPlayoutDevices().getFirst());
            long started = System.nanoTime();
            call.initPlayout();
            call.startPlayout();
            long steadyAt = -1;
            while (steadyAt < 0 && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5)) {
                synchronized (pulls) {
                    for (int i = SpeakerWarmup.STEADY_PULLS - 1; i < pulls.size() && steadyAt < 0; i++) {
                        if (pulls.get(i) - pulls.get(i - SpeakerWarmup.STEADY_PULLS + 1) <= SpeakerWarmup.STEADY_SPAN_NANOS) {
                            steadyAt = pulls.get(i);
                        }
                    }
                }
                Thread.sleep(5);
            }
            System.out.println("startToSteadyMs " + (steadyAt < 0 ? 99999 : (steadyAt - started) / 1_000_000));
            warmup.close();
            int before;
            synchronized (pulls) {
                before = pulls.size();
            }
            Thread.sleep(1000);
            synchronized (pulls) {
                System.out.println("pullsInTheSecondAfterTheProbeClosed " + (pulls.size() - before));
            }
            call.stopPlayout();
            System.exit(0);
        }
    }
}
