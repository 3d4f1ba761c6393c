package org.openbell.media;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Notes when sound starts after a quiet spell: the talk-back latency probes, at the doorbell's
 * speaker (owner to doorbell) and at its simulated microphone (doorbell to owner). Fed one audio
 * frame's level at a time from a single thread; {@link #onsets()} may be read from any thread.
 */
public final class SoundOnsets {

    /** The level (RMS of 16-bit samples) above which a frame counts as sound. */
    public static final double LOUD_RMS = 1000;
    /** How long it must have been quiet before sound counts as a new start. */
    public static final long QUIET_MS = 300;
    private static final int KEPT = 64;

    private final ConcurrentLinkedDeque<Long> onsets = new ConcurrentLinkedDeque<>();
    private long quietSinceMs;
    private boolean loud;

    /** One frame's level at {@code nowMs} (wall clock). */
    public void level(double rms, long nowMs) {
        if (rms >= LOUD_RMS) {
            if (!loud && quietSinceMs > 0 && nowMs - quietSinceMs >= QUIET_MS) {
                onsets.addLast(nowMs);
                while (onsets.size() > KEPT) {
                    onsets.pollFirst();
                }
            }
            loud = true;
        } else if (loud || quietSinceMs == 0) {
            loud = false;
            quietSinceMs = nowMs;
        }
    }

    /** The RMS of {@code frames} 16-bit little-endian samples (the first channel of each frame). */
    public static double rms(byte[] data, int frames, int channels) {
        double sum = 0;
        for (int i = 0; i < frames; i++) {
            int at = i * channels * 2;
            short s = (short) ((data[at] & 0xff) | (data[at + 1] << 8));
            sum += (double) s * s;
        }
        return frames == 0 ? 0 : Math.sqrt(sum / frames);
    }

    /** The most recent onsets (wall-clock ms), oldest first. */
    public List<Long> onsets() {
        return List.copyOf(onsets);
    }
}
