package org.openbell.media.worker;

import dev.onvoid.webrtc.media.audio.AudioDevice;
import dev.onvoid.webrtc.media.audio.AudioDeviceModule;
import dev.onvoid.webrtc.media.audio.AudioLayer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the sound server's speaker before the worker says {@code ready}.
 *
 * <p>A sound server can take one to two seconds after a speaker stream appears before it renders
 * it steadily (PulseAudio's null sink renders its first block of up to 2 s at once when it goes
 * from idle to running; a real card resuming from suspend also takes time). The call's speaker
 * stream cannot be watched (libwebrtc's voice engine owns its audio callback), so a probe stream
 * of its own, with a callback we can see, goes first: once the server pulls the probe every
 * ~10 ms, the speaker is running, and a stream that joins it now is rendered at once. The probe
 * stays until {@link #close()}, after the worker's own speaker stream has joined.
 *
 * <p>Without this, a call answered within ~2 s of its worker's start heard the owner late: the
 * owner's audio piled up in the jitter buffer (146-445 ms) while nothing played it.
 */
final class SpeakerWarmup implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SpeakerWarmup.class);
    /** Pulls in a row that make "steady": each 10 ms of audio. */
    static final int STEADY_PULLS = 6;
    /** The longest span those pulls may take (60 ms of audio, some scheduling slack). */
    static final long STEADY_SPAN_NANOS = TimeUnit.MILLISECONDS.toNanos(90);

    private final AudioDeviceModule probe;
    private final long[] pulls = new long[STEADY_PULLS];
    private int count;
    private long steadyAt;

    private SpeakerWarmup(AudioDeviceModule probe) {
        this.probe = probe;
    }

    /**
     * Starts a silent probe stream on the default speaker and waits until it is rendered
     * steadily, at most {@code timeoutMs}. Returns the warm-up (close it once the real speaker
     * stream runs), or throws when there is no speaker to start.
     */
    static SpeakerWarmup start(long timeoutMs) throws InterruptedException {
        AudioDeviceModule probe;
        try {
            probe = new AudioDeviceModule(AudioLayer.kLinuxPulseAudio);
        } catch (RuntimeException | Error e) { // native failures surface as java.lang.Error
            throw new IllegalStateException("cannot start a speaker stream: " + e.getMessage(), e);
        }
        SpeakerWarmup warmup = new SpeakerWarmup(probe);
        try {
            probe.setAudioSource((buffer, samples, bytesPerSample, channels, rate) -> {
                Arrays.fill(buffer, (byte) 0);
                warmup.pulled(System.nanoTime());
                return samples;
            });
            List<AudioDevice> speakers = probe.getPlayoutDevices();
            if (speakers.isEmpty()) {
                throw new IllegalStateException("the sound server has no speaker");
            }
            probe.setPlayoutDevice(speakers.getFirst());
            probe.initPlayout();
            probe.startPlayout();
        } catch (RuntimeException | Error e) {
            warmup.close();
            throw new IllegalStateException("cannot start a speaker stream: " + e.getMessage(), e);
        }
        warmup.awaitSteady(timeoutMs);
        return warmup;
    }

    private synchronized void pulled(long nanos) {
        pulls[count % STEADY_PULLS] = nanos;
        count++;
        if (steadyAt == 0 && count >= STEADY_PULLS
                && nanos - pulls[count % STEADY_PULLS] <= STEADY_SPAN_NANOS) {
            steadyAt = nanos;
            notifyAll();
        }
    }

    private synchronized void awaitSteady(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long left;
        while (steadyAt == 0 && (left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        if (steadyAt == 0) {
            log.warn("The speaker was not rendered steadily within {} ms ({} pulls): the first call may hear the owner late",
                    timeoutMs, count);
        }
    }

    /** Whether the sound server rendered the probe steadily. */
    synchronized boolean steady() {
        return steadyAt != 0;
    }

    @Override
    public void close() {
        try {
            probe.stopPlayout();
        } catch (Error e) {
            log.debug("probe stream stop: {}", e.toString());
        }
        probe.dispose();
    }
}
