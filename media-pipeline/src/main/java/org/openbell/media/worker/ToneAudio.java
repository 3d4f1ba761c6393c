package org.openbell.media.worker;

import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The headless microphone: a sine tone (48 kHz mono, 16-bit) pushed every 10 ms. */
final class ToneAudio implements AutoCloseable {

    static final int RATE = 48_000;
    static final int FRAMES_PER_10MS = RATE / 100;

    private final CustomAudioSource source;
    private final int hz;
    private final ScheduledExecutorService timer;
    private long sample;

    ToneAudio(CustomAudioSource source, int hz) {
        this.source = source;
        this.hz = hz;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("audio-source").factory());
        timer.scheduleAtFixedRate(this::push, 0, 10, TimeUnit.MILLISECONDS);
    }

    private void push() {
        byte[] pcm = new byte[FRAMES_PER_10MS * 2];
        for (int i = 0; i < FRAMES_PER_10MS; i++, sample++) {
            short v = (short) (hz == 0 ? 0 : Math.sin(2 * Math.PI * hz * sample / RATE) * 8000);
            pcm[2 * i] = (byte) v;
            pcm[2 * i + 1] = (byte) (v >> 8);
        }
        source.pushAudio(pcm, 16, RATE, 1, FRAMES_PER_10MS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
