package org.openbell.agent.replies;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays a quick reply on the doorbell's speaker: its samples piped into the sound server's own
 * player ({@code pacat}, PulseAudio's protocol, the speaker the media worker uses), a process of
 * its own, so a sound server that hangs or a player that crashes never holds up a ring, and the
 * server mixes the reply with a call's audio when one is on. One reply at a time: a new one stops
 * the one playing. Nothing here runs on the caller's thread.
 */
final class ReplyPlayer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplyPlayer.class);
    /** How long the sound server may take to start the stream before the speaker counts as missing. */
    static final long START_TIMEOUT_MS = 4000;

    private final Path pacat;
    private final Optional<String> pulseServer;
    private final ExecutorService starter = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("openbell-reply").factory());
    private Process playing; // guarded by this

    ReplyPlayer(Path pacat, Optional<String> pulseServer) {
        this.pacat = pacat;
        this.pulseServer = pulseServer;
    }

    /** Starts {@code reply}; completes true once the sound server plays it, false if it could not. */
    CompletableFuture<Boolean> play(ReplySound reply) {
        CompletableFuture<Boolean> started = new CompletableFuture<>();
        try {
            starter.execute(() -> start(reply, started));
        } catch (RejectedExecutionException e) {
            started.complete(false);
        }
        return started;
    }

    private void start(ReplySound reply, CompletableFuture<Boolean> started) {
        stopPlaying();
        WavSound sound = reply.sound();
        ProcessBuilder builder = new ProcessBuilder(List.of(pacat.toString(), "--playback", "--verbose", "--format=s16le",
                "--rate=" + sound.rate(), "--channels=" + sound.channels(), "--latency-msec=60",
                "--client-name=openbell", "--stream-name=quick-reply " + reply.id())).redirectErrorStream(true);
        pulseServer.ifPresent(server -> builder.environment().put("PULSE_SERVER", server));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            log.error("Quick reply {}: cannot start {}: {}", reply.id(), pacat, e.getMessage());
            started.complete(false);
            return;
        }
        synchronized (this) {
            playing = process;
        }
        long t0 = System.nanoTime();
        Thread.ofVirtual().name("openbell-reply-out").start(() -> watch(process, reply, started, t0));
        Thread.ofVirtual().name("openbell-reply-in").start(() -> {
            try (OutputStream out = process.getOutputStream()) {
                out.write(sound.pcm());
            } catch (IOException e) {
                log.debug("quick reply {} stopped while writing: {}", reply.id(), e.toString());
            }
        });
        // Never longer than the sound and some slack; not left waiting on a server that never starts it.
        CompletableFuture.delayedExecutor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS).execute(() -> {
            if (started.complete(false)) {
                log.warn("Quick reply {}: the sound server did not start it within {} ms", reply.id(), START_TIMEOUT_MS);
                process.destroyForcibly();
            }
        });
        CompletableFuture.delayedExecutor(START_TIMEOUT_MS + sound.duration().toMillis() + 2000, TimeUnit.MILLISECONDS)
                .execute(process::destroyForcibly);
    }

    /** Reads the player's output: says when its stream started; logs why it failed if it did. */
    private static void watch(Process process, ReplySound reply, CompletableFuture<Boolean> started, long t0) {
        StringBuilder said = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.contains("Stream started")) {
                    if (started.complete(true)) {
                        log.info("Quick reply {} playing ({} ms to start, {} ms long)", reply.id(),
                                (System.nanoTime() - t0) / 1_000_000, reply.sound().duration().toMillis());
                    }
                } else if (!started.isDone() && said.length() < 400 && !line.isBlank()) {
                    said.append(line.strip()).append("; ");
                }
            }
            int code = process.waitFor();
            if (started.complete(false)) {
                log.warn("Quick reply {}: the sound server's player ended ({}) before playing: {}", reply.id(), code,
                        org.openbell.signaling.LogSafe.text(said.toString()));
            }
        } catch (IOException e) {
            started.complete(false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            started.complete(false);
        }
    }

    private synchronized void stopPlaying() {
        if (playing != null && playing.isAlive()) {
            playing.destroy();
            try {
                if (!playing.waitFor(1, TimeUnit.SECONDS)) {
                    playing.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        playing = null;
    }

    @Override
    public void close() {
        starter.shutdownNow();
        synchronized (this) {
            if (playing != null) {
                playing.destroyForcibly();
            }
        }
    }
}
