package org.openbell.agent.call;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.openbell.media.SoundOnsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to the simulated microphone where the media worker does (the sound server's source)
 * and notes when each tone burst starts there: the reference of the doorbell-to-owner talk-back
 * benchmark. Timing the bursts where they are heard, not where they are written, keeps whatever
 * queues up in front of the sound server out of the figure.
 */
final class MicrophoneProbe implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MicrophoneProbe.class);
    private static final int FRAME_SAMPLES = 480; // 10 ms at 48 kHz, as the audio module reads

    private final Process recorder;
    private final SoundOnsets onsets = new SoundOnsets();

    private MicrophoneProbe(Process recorder) {
        this.recorder = recorder;
        Thread.ofPlatform().daemon().name("openbell-mic-probe").start(this::listen);
    }

    /** Starts recording {@code source} of the sound server at {@code pulseServer}. */
    static MicrophoneProbe start(String pulseServer, String source) throws IOException {
        ProcessBuilder parec = new ProcessBuilder(SimulatedSound.PACAT.toString(), "--record", "--device=" + source,
                "--format=s16le", "--rate=48000", "--channels=1", "--latency-msec=10")
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        parec.environment().put("PULSE_SERVER", pulseServer);
        return new MicrophoneProbe(parec.start());
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

    /** When the latest bursts started at the microphone (wall-clock ms, oldest first). */
    List<Long> onsets() {
        return onsets.onsets();
    }

    @Override
    public void close() {
        recorder.destroyForcibly();
    }
}
