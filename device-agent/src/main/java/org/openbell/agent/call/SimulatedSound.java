package org.openbell.agent.call;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The doorbell's simulated sound devices ({@code media.audio: simulated}): a private PulseAudio
 * server whose microphone hears tone bursts (250 ms on, 250 ms off) and whose speaker is a null
 * sink. The media worker uses it through its real sound-server audio module, so the demo and
 * the tests exercise the same audio path as a Pi with a USB sound card. Bursts rather than a
 * steady tone: the doorbell's noise suppression rightly removes a stationary sine as noise.
 */
public final class SimulatedSound implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatedSound.class);
    static final Path PULSEAUDIO = Path.of("/usr/bin/pulseaudio");
    static final Path PACAT = Path.of("/usr/bin/pacat");
    private static final int RATE = 48_000;

    private final Path dir;
    private final Process server;
    private final Process feed;
    private final Thread generator;

    private SimulatedSound(Path dir, Process server, Process feed, Thread generator) {
        this.dir = dir;
        this.server = server;
        this.feed = feed;
        this.generator = generator;
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
            ProcessBuilder pacat = new ProcessBuilder(PACAT.toString(), "--playback", "--device=doorbell_mic_feed",
                    "--format=s16le", "--rate=" + RATE, "--channels=1", "--latency-msec=100")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("pacat.log").toFile());
            pacat.environment().put("PULSE_SERVER", "unix:" + socket);
            Process feed = pacat.start();
            Thread generator = Thread.ofPlatform().daemon().name("openbell-tone").start(() -> bursts(feed.getOutputStream(), toneHz));
            log.info("Simulated sound: private sound server in {} (microphone: {} Hz tone bursts, speaker: null sink)", dir, toneHz);
            return new SimulatedSound(dir, server, feed, generator);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the simulated sound server in " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Writes tone bursts forever; pacat's pipe paces it in real time. */
    private static void bursts(OutputStream out, int toneHz) {
        byte[] chunk = new byte[RATE / 100 * 2];
        long sample = 0;
        try (out) {
            while (!Thread.currentThread().isInterrupted()) {
                for (int i = 0; i < chunk.length / 2; i++, sample++) {
                    boolean on = (sample / (RATE / 4)) % 2 == 0;
                    short v = on ? (short) (Math.sin(2 * Math.PI * toneHz * sample / RATE) * 12000) : 0;
                    chunk[2 * i] = (byte) v;
                    chunk[2 * i + 1] = (byte) (v >> 8);
                }
                out.write(chunk);
            }
        } catch (IOException e) {
            log.debug("tone feed ended: {}", e.toString());
        }
    }

    /** The PULSE_SERVER value for the media worker. */
    public String server() {
        return "unix:" + dir.resolve("pulse.sock");
    }

    @Override
    public void close() {
        generator.interrupt();
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
