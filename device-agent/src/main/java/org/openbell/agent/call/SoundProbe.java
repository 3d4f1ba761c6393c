package org.openbell.agent.call;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.openbell.media.SoundOnsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to a source of the simulated sound server and notes when sound starts there after a
 * quiet spell. On the microphone (where the media worker listens) it times each tone burst: the
 * reference of the doorbell-to-owner talk-back benchmark (timing the bursts where they are heard,
 * not where they are written, keeps whatever queues up in front of the sound server out of the
 * figure). On the speaker's monitor it hears what the doorbell plays (quick replies, in tests).
 */
public final class SoundProbe implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SoundProbe.class);
    private static final int FRAME_SAMPLES = 480; // 10 ms at 48 kHz, as the audio module reads

    private final Process recorder;
    private final SoundOnsets onsets = new SoundOnsets();

    private SoundProbe(Process recorder) {
        this.recorder = recorder;
        // Quiet until heard otherwise: an idle sink's monitor sends nothing at all, so the first frame
        // it sends may already be the sound, and it must count as a start.
        onsets.level(0, System.currentTimeMillis());
        Thread.ofPlatform().daemon().name("openbell-mic-probe").start(this::listen);
    }

    /** Starts recording {@code source} of the sound server at {@code pulseServer}. */
    public static SoundProbe start(String pulseServer, String source) throws IOException {
        ProcessBuilder parec = new ProcessBuilder(SimulatedSound.PACAT.toString(), "--record", "--device=" + source,
                "--format=s16le", "--rate=48000", "--channels=1", "--latency-msec=10")
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        parec.environment().put("PULSE_SERVER", pulseServer);
        return new SoundProbe(parec.start());
    }

    private void listen() {
        byte[] frame = new byte[FRAME_SAMPLES * 2];
        try (InputStream in = recorder.getInputStream()) {
            while (in.readNBytes(frame, 0, frame.length) == frame.length) {
                onsets.level(SoundOnsets.rms(frame, FRAME_SAMPLES, 1), System.currentTimeMillis());
            }
        } catch (IOException e) {
            log.debug("microphone probe ended: {}", e.toString());
        }
    }

    /** When sound last started after a quiet spell, at this source (wall-clock ms, oldest first). */
    public List<Long> onsets() {
        return onsets.onsets();
    }

    @Override
    public void close() {
        recorder.destroyForcibly();
    }
}
