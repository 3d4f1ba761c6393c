package org.openbell.agent.call;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The doorbell's simulated sound devices ({@code media.audio: simulated}): a private PulseAudio
 * server whose microphone hears tone bursts (250 ms every second) and whose speaker is a null
 * sink. The media worker uses it through its real sound-server audio module, so the demo and
 * the tests exercise the same audio path as a Pi with a USB sound card. Bursts rather than a
 * steady tone: the doorbell's noise suppression rightly removes a stationary sine as noise.
 */
public final class SimulatedSound implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatedSound.class);
    static final Path PULSEAUDIO = Path.of("/usr/bin/pulseaudio");
    /** PulseAudio's stream player (pulseaudio-utils): the microphone feed here, and quick replies on the speaker. */
    public static final Path PACAT = Path.of("/usr/bin/pacat");
    private static final int RATE = 48_000;
    private static final int CHUNK_SAMPLES = RATE / 100;
    /** A 250 ms burst every second: long quiet spells let the owner's page time each onset. */
    private static final int PERIOD_SAMPLES = RATE;
    private static final int BURST_SAMPLES = RATE / 4;
    /** How far ahead of their due time samples are written. */
    private static final int LEAD_MS = 30;

    private final Path dir;
    private final Process server;
    private final Process feed;
    private final Thread generator;
    private final SoundProbe probe;

    private SimulatedSound(Path dir, Process server, Process feed, SoundProbe probe, int toneHz) {
        this.dir = dir;
        this.server = server;
        this.feed = feed;
        this.probe = probe;
        CountDownLatch streaming = new CountDownLatch(1);
        Thread.ofPlatform().daemon().name("openbell-tone-feed").start(() -> watchFeed(feed, streaming));
        this.generator = Thread.ofPlatform().daemon().name("openbell-tone").start(() -> {
            OutputStream out = feed.getOutputStream();
            try {
                // pacat takes ~2 s to start its stream; samples written meanwhile would wait in the
                // pipe and delay every later burst. Give it just enough silence to start on.
                out.write(new byte[CHUNK_SAMPLES * 2 * 2]);
                out.flush();
                if (!streaming.await(10, TimeUnit.SECONDS)) {
                    log.warn("Simulated sound: the microphone feed did not start in 10 s; burst times may be late");
                }
            } catch (IOException e) {
                log.debug("tone feed ended: {}", e.toString());
                return;
            } catch (InterruptedException e) {
                return;
            }
            bursts(out, toneHz);
        });
    }

    /** Reads pacat's verbose output: says when its stream started playing, then discards its progress lines. */
    private static void watchFeed(Process feed, CountDownLatch streaming) {
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(feed.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (streaming.getCount() > 0) {
                    log.debug("microphone feed: {}", line);
                    if (line.contains("Stream started")) {
                        streaming.countDown();
                    }
                }
            }
        } catch (IOException e) {
            log.debug("microphone feed output ended: {}", e.toString());
        }
    }

    /** Whether the sound server can run here; else why not. */
    public static String unavailableReason() {
        return Files.isExecutable(PULSEAUDIO) && Files.isExecutable(PACAT) ? null
                : "media.audio: simulated needs PulseAudio (apt-get install pulseaudio pulseaudio-utils); or set media.audio: headless";
    }

    /** Starts the private sound server in {@code dir} with a microphone hearing {@code toneHz} bursts. */
    public static SimulatedSound start(Path stateDir, int toneHz) {
        Path dir = stateDir.toAbsolutePath(); // PulseAudio wants an absolute home
        String missing = unavailableReason();
        if (missing != null) {
            throw new IllegalStateException(missing);
        }
        try {
            Files.createDirectories(dir);
            Path socket = dir.resolve("pulse.sock");
            Files.deleteIfExists(socket);
            Files.writeString(dir.resolve("default.pa"), """
                    load-module module-native-protocol-unix socket=%s auth-anonymous=1
                    load-module module-null-sink sink_name=doorbell_mic_feed rate=48000 channels=1
                    load-module module-null-sink sink_name=doorbell_speaker rate=48000
                    set-default-source doorbell_mic_feed.monitor
                    set-default-sink doorbell_speaker
                    """.formatted(socket));
            ProcessBuilder builder = new ProcessBuilder(PULSEAUDIO.toString(), "-n", "-F", dir.resolve("default.pa").toString(),
                    "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--log-target=stderr")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("pulse.log").toFile());
            builder.environment().put("HOME", dir.toString());
            builder.environment().put("XDG_RUNTIME_DIR", dir.toString());
            Process server = builder.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!Files.exists(socket)) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    server.destroyForcibly();
                    throw new IllegalStateException("the simulated sound server did not start: "
                            + Files.readString(dir.resolve("pulse.log")).trim());
                }
                Thread.sleep(20);
            }
            ProcessBuilder pacat = new ProcessBuilder(PACAT.toString(), "--playback", "--verbose", "--device=doorbell_mic_feed",
                    "--format=s16le", "--rate=" + RATE, "--channels=1", "--latency-msec=20")
                    .redirectErrorStream(true);
            pacat.environment().put("PULSE_SERVER", "unix:" + socket);
            Process feed = pacat.start();
            log.info("Simulated sound: private sound server in {} (microphone: {} Hz tone bursts, speaker: null sink)", dir, toneHz);
            SoundProbe probe = SoundProbe.start("unix:" + socket, "doorbell_mic_feed.monitor");
            return new SimulatedSound(dir, server, feed, probe, toneHz);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the simulated sound server in " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes tone bursts forever, paced by the clock rather than by pacat's pipe: samples are
     * written {@link #LEAD_MS} ahead of their due time, so nothing queues up in front of the sound
     * server and the microphone hears each burst when it is due.
     */
    private void bursts(OutputStream out, int toneHz) {
        byte[] chunk = new byte[CHUNK_SAMPLES * 2];
        long sample = 0;
        long startNanos = System.nanoTime();
        try (out) {
            while (!Thread.currentThread().isInterrupted()) {
                long dueSamples = (System.nanoTime() - startNanos + LEAD_MS * 1_000_000L) * RATE / 1_000_000_000L;
                if (dueSamples - sample > (LEAD_MS + 100) * RATE / 1000) {
                    // This thread was held up: skip ahead rather than let the microphone fall behind.
                    sample = dueSamples - (long) LEAD_MS * RATE / 1000;
                }
                while (sample < dueSamples) {
                    for (int i = 0; i < CHUNK_SAMPLES; i++, sample++) {
                        long inPeriod = sample % PERIOD_SAMPLES;
                        short v = inPeriod < BURST_SAMPLES ? (short) (Math.sin(2 * Math.PI * toneHz * sample / RATE) * 12000) : 0;
                        chunk[2 * i] = (byte) v;
                        chunk[2 * i + 1] = (byte) (v >> 8);
                    }
                    out.write(chunk);
                }
                out.flush();
                LockSupport.parkNanos(5_000_000L);
            }
        } catch (IOException e) {
            log.debug("tone feed ended: {}", e.toString());
        }
    }

    /** When the latest microphone bursts started, as heard at the microphone (wall-clock ms, oldest first). */
    public List<Long> burstStarts() {
        return probe.onsets();
    }

    /**
     * Starts listening to the doorbell's speaker (the null sink's monitor): what it plays, an
     * owner's voice in a call or a quick reply. Close it when done.
     */
    public SoundProbe listenToSpeaker() throws IOException {
        return SoundProbe.start(server(), "doorbell_speaker.monitor");
    }

    /** The PULSE_SERVER value for the media worker. */
    public String server() {
        return "unix:" + dir.resolve("pulse.sock");
    }

    @Override
    public void close() {
        generator.interrupt();
        probe.close();
        feed.destroyForcibly();
        server.destroy();
        try {
            if (!server.waitFor(5, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
