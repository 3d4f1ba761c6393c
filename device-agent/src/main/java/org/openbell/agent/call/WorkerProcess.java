package org.openbell.agent.call;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.openbell.media.channel.WorkerChannel;
import org.openbell.media.channel.WorkerChannelException;
import org.openbell.media.channel.WorkerEvent;
import org.openbell.media.channel.WorkerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One media worker process (org.openbell.media.worker.WorkerMain) and its channel
 * ({@link WorkerChannel}: typed requests in, typed events out). Reader threads only decode lines
 * and hand the events to the call loop.
 */
final class WorkerProcess {

    private static final Logger log = LoggerFactory.getLogger(WorkerProcess.class);

    private final Process process;
    private final OutputStream stdin;
    private final CompletableFuture<Long> ready = new CompletableFuture<>();
    private final long startedNanos = System.nanoTime();
    private volatile WorkerEvents events;

    private WorkerProcess(Process process, Executor loop) {
        this.process = process;
        this.stdin = process.getOutputStream();
        Thread.ofPlatform().daemon().name("worker-" + process.pid() + "-out").start(() -> readEvents(loop));
        Thread.ofPlatform().daemon().name("worker-" + process.pid() + "-err").start(this::relayLog);
        process.onExit().thenAccept(p -> loop.execute(() -> {
            ready.completeExceptionally(new IllegalStateException("the media worker exited with " + p.exitValue() + " before it was ready"));
            WorkerEvents e = events;
            if (e != null) {
                e.onExit(this, p.exitValue());
            }
        }));
    }

    static WorkerProcess start(List<String> command, java.util.Optional<String> pulseServer, Executor loop) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            pulseServer.ifPresent(server -> builder.environment().put("PULSE_SERVER", server));
            Process process = builder.start();
            log.debug("Media worker {} starting: {}", process.pid(), String.join(" ", command));
            return new WorkerProcess(process, loop);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the media worker (" + command.getFirst() + "): " + e.getMessage(), e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Completes with the warm-up time in ms once the worker said {@code ready}. */
    CompletableFuture<Long> ready() {
        return ready;
    }

    void listen(WorkerEvents listener) {
        this.events = listener;
    }

    /** Sends one request; a dead worker is reported through {@link WorkerEvents#onExit}, not here. */
    void send(WorkerRequest request) {
        try {
            synchronized (stdin) {
                stdin.write((WorkerChannel.encode(request) + "\n").getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            }
        } catch (IOException e) {
            log.debug("Media worker {} did not take a request: {}", pid(), e.toString());
        }
    }

    /** Asks the worker to exit, then kills it if it has not within the grace period. */
    void stop() {
        send(new WorkerRequest.Exit());
        process.onExit().orTimeout(3, TimeUnit.SECONDS).exceptionally(t -> {
            process.destroyForcibly();
            return process;
        });
    }

    void kill() {
        process.destroyForcibly();
    }

    private void readEvents(Executor loop) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (!line.startsWith("{")) {
                    log.debug("Media worker {} stdout: {}", pid(), line); // native code prints here too
                    continue;
                }
                WorkerEvent event;
                try {
                    event = WorkerChannel.decodeEvent(line);
                } catch (WorkerChannelException e) {
                    log.warn("Media worker {} wrote a line that is not an event ({}): {}", pid(), e.getMessage(),
                            org.openbell.signaling.LogSafe.text(line, 120));
                    continue;
                }
                if (event instanceof WorkerEvent.Ready r) {
                    long ms = (System.nanoTime() - startedNanos) / 1_000_000;
                    log.info("Media worker {} ready in {} ms (warm-up {} ms, of which {} ms until the speaker played)", pid(), ms,
                            r.warmupMs(), r.speakerMs());
                    ready.complete(ms);
                    continue;
                }
                try {
                    loop.execute(() -> {
                        WorkerEvents e = events;
                        if (e != null) {
                            e.onEvent(this, event);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    log.debug("Media worker {} event after the agent stopped: {}", pid(), event.getClass().getSimpleName());
                    return; // the agent is shutting down; nobody is left to tell
                }
            }
        } catch (IOException e) {
            log.debug("Media worker {} output closed: {}", pid(), e.toString());
        }
    }

    private void relayLog() {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                if (line.contains("VM attach current thread failed") || line.startsWith("Failed to attach thread")) {
                    continue; // harmless noise from webrtc-java at exit
                }
                log.info("[worker {}] {}", pid(), line);
            }
        } catch (IOException e) {
            log.debug("Media worker {} log closed: {}", pid(), e.toString());
        }
    }
}
