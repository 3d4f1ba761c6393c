package org.openbell.agent.call;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervises media worker processes: keeps one pre-warmed (libwebrtc loaded, factory created)
 * so answering costs no process start, hands it to a call, and warms the next one when that call
 * ends ({@link #warm()}): never during a call, where a JVM starting up would take the CPU from
 * the live call's encoder and audio (one call at a time, so the next call cannot need it sooner).
 * Each worker serves one call and then exits, so native leaks never accumulate.
 * A spare that dies before it is ready (a library missing on the image, a broken Java) is started
 * again after 1 s, doubling to at most a minute while it keeps dying: never in a tight loop on the
 * ring's thread. Used only from the call loop.
 */
final class MediaWorkers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MediaWorkers.class);

    private final List<String> command;
    private final java.util.Optional<String> pulseServer;
    static final java.time.Duration FIRST_RESTART = java.time.Duration.ofSeconds(1);
    static final java.time.Duration MAX_RESTART = java.time.Duration.ofMinutes(1);

    private final Executor loop;
    private final org.openbell.agent.ring.Timers timers;
    private volatile WorkerProcess spare;
    private boolean closed;
    private int started;
    /** Spares in a row that died before they were ready. */
    private int failedInARow;
    private Runnable pendingRestart;
    /** Where ring pictures a spare takes go (set once, before any ring). */
    private volatile java.util.function.Consumer<org.openbell.media.channel.WorkerEvent.SnapshotTaken> pictures = p -> { };

    MediaWorkers(MediaConfig config, Executor loop, org.openbell.agent.ring.Timers timers) {
        this(javaCommand(config), config.pulseServer(), loop, timers);
    }

    /** With any worker command (tests use a script that speaks the worker protocol). */
    MediaWorkers(List<String> command, java.util.Optional<String> pulseServer, Executor loop, org.openbell.agent.ring.Timers timers) {
        this.timers = timers;
        this.loop = loop;
        this.command = List.copyOf(command);
        this.pulseServer = pulseServer;
    }

    /** The java command that runs media-pipeline's WorkerMain with the configured options. */
    static List<String> javaCommand(MediaConfig config) {
        List<String> cmd = new ArrayList<>(config.workerCommandPrefix());
        cmd.add(config.workerJava().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx96m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", config.workerClasspath().orElse(System.getProperty("java.class.path")), "org.openbell.media.worker.WorkerMain"));
        cmd.addAll(config.options().toArgs());
        return cmd;
    }

    /** Starts warming the spare worker if there is none. */
    void warm() {
        if (closed || (spare != null && spare.isAlive())) {
            return;
        }
        if (pendingRestart != null) {
            pendingRestart.run(); // cancels it: this start replaces it
            pendingRestart = null;
        }
        spare = WorkerProcess.start(command, pulseServer, loop);
        started++;
        WorkerProcess warming = spare;
        warming.ready().thenRun(() -> loop.execute(() -> failedInARow = 0));
        warming.listen(new WorkerEvents() {
            @Override
            public void onEvent(WorkerProcess worker, org.openbell.media.channel.WorkerEvent event) {
                switch (event) {
                    case org.openbell.media.channel.WorkerEvent.SnapshotTaken taken -> pictures.accept(taken);
                    case org.openbell.media.channel.WorkerEvent.Problem problem ->
                            log.warn("Spare media worker {}: {}", worker.pid(), problem.message());
                    default -> log.debug("Spare media worker {}: {}", worker.pid(), event);
                }
            }

            @Override
            public void onExit(WorkerProcess worker, int exitCode) {
                if (spare != worker) {
                    return;
                }
                spare = null;
                boolean wasReady = worker.ready().isDone() && !worker.ready().isCompletedExceptionally();
                if (wasReady) {
                    log.warn("Spare media worker {} died (exit {}); starting another", worker.pid(), exitCode);
                    loop.execute(MediaWorkers.this::warm);
                    return;
                }
                failedInARow++;
                java.time.Duration wait = FIRST_RESTART.multipliedBy(1L << Math.min(failedInARow - 1, 6));
                wait = wait.compareTo(MAX_RESTART) > 0 ? MAX_RESTART : wait;
                log.warn("Spare media worker {} died before it was ready (exit {}, {} in a row); another in {} s",
                        worker.pid(), exitCode, failedInARow, wait.toSeconds());
                pendingRestart = timers.schedule(wait, () -> loop.execute(() -> {
                    pendingRestart = null;
                    warm();
                }));
            }
        });
    }

    /** The warm worker for a call (starting one if there is none). */
    WorkerProcess take() {
        warm();
        WorkerProcess worker = spare;
        spare = null;
        return worker;
    }

    /** Where the pictures a spare worker takes go. */
    void onPicture(java.util.function.Consumer<org.openbell.media.channel.WorkerEvent.SnapshotTaken> sink) {
        pictures = sink;
    }

    /** The spare worker (warming one if there is none), kept as the spare: to take a ring's picture. */
    WorkerProcess spare() {
        warm();
        return spare;
    }

    /** Workers started so far (for status and tests). */
    int started() {
        return started;
    }

    /** Whether a warm worker is waiting for the next call (readable from any thread). */
    boolean spareReady() {
        WorkerProcess w = spare;
        return w != null && w.isAlive() && w.ready().isDone() && !w.ready().isCompletedExceptionally();
    }

    Long sparePid() {
        return spare == null ? null : spare.pid();
    }

    @Override
    public void close() {
        closed = true;
        if (pendingRestart != null) {
            pendingRestart.run();
        }
        if (spare != null) {
            spare.stop();
            spare = null;
        }
    }
}
