package org.openbell.agent.webrtc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PulseAudio server for tests: the doorbell's "microphone" is a sine source at a known
 * frequency, its "speaker" a null sink. The media worker uses it through its real sound-server
 * audio module (audio: pulse), reached over a unix socket in a temporary directory.
 */
final class PulseAudioServer implements AutoCloseable {

    private final Path dir;
    private final Process process;
    private Process feed;

    private PulseAudioServer(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    static String unavailableReason() {
        return Files.isExecutable(Path.of("/usr/bin/pulseaudio")) ? null
                : "pulseaudio not found: run scripts/test (it installs it) or apt-get install pulseaudio";
    }

    static PulseAudioServer start(int toneHz) {
        try {
            Path dir = Files.createTempDirectory("openbell-pulse-");
            Path socket = dir.resolve("pulse.sock");
            Files.writeString(dir.resolve("default.pa"), """
                    load-module module-native-protocol-unix socket=%s auth-anonymous=1
                    load-module module-null-sink sink_name=doorbell_mic_feed rate=48000 channels=1
                    load-module module-null-sink sink_name=doorbell_speaker rate=48000
                    set-default-source doorbell_mic_feed.monitor
                    set-default-sink doorbell_speaker
                    """.formatted(socket));
            ProcessBuilder builder = new ProcessBuilder("pulseaudio", "-n", "-F", dir.resolve("default.pa").toString(),
                    "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--log-target=stderr")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("pulse.log").toFile());
            builder.environment().put("HOME", dir.toString());
            builder.environment().put("XDG_RUNTIME_DIR", dir.toString());
            Process process = builder.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!Files.exists(socket)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("pulseaudio did not start: " + Files.readString(dir.resolve("pulse.log")));
                }
                Thread.sleep(20);
            }
            PulseAudioServer server = new PulseAudioServer(dir, process);
            server.playIntoMicrophone(toneHz);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Plays tone bursts (250 ms on, 250 ms off, for 10 minutes) into the microphone. Bursts, not a
     * steady tone: the doorbell's noise suppression rightly removes a stationary sine as noise.
     */
    private void playIntoMicrophone(int toneHz) throws IOException {
        int rate = 48_000;
        int seconds = 600;
        byte[] pcm = new byte[rate * seconds * 2];
        for (int i = 0; i < rate * seconds; i++) {
            boolean on = (i / (rate / 4)) % 2 == 0;
            short v = on ? (short) (Math.sin(2 * Math.PI * toneHz * i / rate) * 12000) : 0;
            pcm[2 * i] = (byte) v;
            pcm[2 * i + 1] = (byte) (v >> 8);
        }
        Path raw = dir.resolve("bursts.raw");
        Files.write(raw, pcm);
        ProcessBuilder b = new ProcessBuilder("pacat", "--playback", "--device=doorbell_mic_feed", "--format=s16le",
                "--rate=" + rate, "--channels=1", raw.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("pacat.log").toFile());
        b.environment().put("PULSE_SERVER", server());
        feed = b.start();
    }

    /** The PULSE_SERVER value for clients. */
    String server() {
        return "unix:" + dir.resolve("pulse.sock");
    }

    /** The server's recording and playback streams, for diagnosis. */
    String describeStreams() {
        StringBuilder out = new StringBuilder();
        for (String what : new String[] {"source-outputs", "sink-inputs", "sources"}) {
            try {
                ProcessBuilder b = new ProcessBuilder("pactl", "list", "short", what).redirectErrorStream(true);
                b.environment().put("PULSE_SERVER", server());
                Process p = b.start();
                out.append(what).append(": ").append(new String(p.getInputStream().readAllBytes()).trim().replace('\n', ';')).append(" | ");
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                out.append(what).append(": ").append(e);
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        if (feed != null) {
            feed.destroyForcibly();
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
