package org.openbell.media.worker;

import dev.onvoid.webrtc.media.audio.AudioTrackSink;

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
    /** Wall-clock times (ms) when sound started after at least 300 ms of quiet: talk-back latency probes. */
    private final java.util.concurrent.ConcurrentLinkedDeque<Long> onsets = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private long quietSinceMs = 0;
    private boolean loud;
    static final double ONSET_RMS = 1000;

    @Override
    public void onData(byte[] data, int bitsPerSample, int sampleRate, int channels, int frameCount) {
        if (bitsPerSample != 16 || frameCount <= 0) {
            return;
        }
        double sum = 0;
        int crossings = 0;
        short previous = 0;
        for (int i = 0; i < frameCount; i++) {
            int at = i * channels * 2;
            short s = (short) ((data[at] & 0xff) | (data[at + 1] << 8));
            sum += (double) s * s;
            if (i > 0 && (previous < 0) != (s < 0)) {
                crossings++;
            }
            previous = s;
        }
        rms = Math.sqrt(sum / frameCount);
        long now = System.currentTimeMillis();
        if (rms >= ONSET_RMS) {
            if (!loud && quietSinceMs > 0 && now - quietSinceMs >= 300) {
                onsets.addLast(now);
                while (onsets.size() > 64) {
                    onsets.pollFirst();
                }
            }
            loud = true;
        } else if (loud || quietSinceMs == 0) {
            loud = false;
            quietSinceMs = now;
        }
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
        return java.util.List.copyOf(onsets);
    }
}
