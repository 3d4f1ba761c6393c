package org.openbell.media.worker;

import dev.onvoid.webrtc.media.audio.AudioTrackSink;
import org.openbell.media.SoundOnsets;

/**
 * The headless speaker: measures what the owner says (RMS level and, by zero crossings, the
 * dominant frequency of the last 10 ms frames). Called on a native audio thread; the figures are
 * read from the worker loop.
 */
final class AudioMeter implements AudioTrackSink {

    private volatile double rms;
    private volatile double peakRms;
    private volatile double hz;
    private volatile long frames;
    /** When sound started after a quiet spell: talk-back latency probes. */
    private final SoundOnsets onsets = new SoundOnsets();

    @Override
    public void onData(byte[] data, int bitsPerSample, int sampleRate, int channels, int frameCount) {
        if (bitsPerSample != 16 || frameCount <= 0) {
            return;
        }
        int crossings = 0;
        short previous = 0;
        for (int i = 0; i < frameCount; i++) {
            int at = i * channels * 2;
            short s = (short) ((data[at] & 0xff) | (data[at + 1] << 8));
            if (i > 0 && (previous < 0) != (s < 0)) {
                crossings++;
            }
            previous = s;
        }
        rms = SoundOnsets.rms(data, frameCount, channels);
        onsets.level(rms, System.currentTimeMillis());
        peakRms = Math.max(peakRms, rms);
        hz = crossings * sampleRate / (2.0 * frameCount);
        frames += frameCount;
    }

    double rms() {
        return rms;
    }

    double peakRms() {
        return peakRms;
    }

    double hz() {
        return hz;
    }

    long frames() {
        return frames;
    }

    /** The most recent onsets (wall-clock ms), oldest first. */
    java.util.List<Long> onsets() {
        return onsets.onsets();
    }
}
