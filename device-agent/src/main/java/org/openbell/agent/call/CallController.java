package org.openbell.agent.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.openbell.agent.ring.Timers;
import org.openbell.signaling.Answer;
import org.openbell.signaling.CallMessage;
import org.openbell.signaling.CallState;
import org.openbell.signaling.Candidate;
import org.openbell.signaling.Hangup;
import org.openbell.signaling.Offer;
import org.openbell.signaling.Sdp;
import org.openbell.signaling.WireEnum;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the call that follows an answered ring: takes the pre-warmed media worker, relays WebRTC
 * signaling between it and the owner who answered, and ends the call cleanly whatever happens to
 * the worker (a crash becomes a {@code hangup media-failed} to the owner, and a fresh worker is
 * already warming). One call at a time; all state on the call loop.
 *
 * <pre>
 *   idle --start--> starting --worker: connected--> connected
 *     ^                |                               |
 *     '--- hangup (either side), worker ended/died, setup timeout ---'
 * </pre>
 */
public final class CallController implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallController.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration SETUP_TIMEOUT = Duration.ofSeconds(30);

    private final String deviceId;
    private final MediaConfig config;
    private final Clock clock;
    private final Executor loop;
    private final Timers timers;
    private final CallSignals signals;
    private final Supplier<String> sessionIds;
    private final MediaWorkers workers;
    private final Duration setupTimeout;
    /** During a call the worker is asked for stats this often; silent for {@link #heartbeatSilence}, it is taken as frozen. */
    private Duration heartbeatEvery = Duration.ofSeconds(5);
    private Duration heartbeatSilence = Duration.ofSeconds(20);

    // Call-loop state.
    private Session session;
    private JsonNode lastStats;
    private String lastEnd;
    private long callsStarted;
    private volatile CallSnapshot snapshot;

    private final class Session implements WorkerEvents {
        final String id;
        final String ownerId;
        final String ringId;
        final WorkerProcess worker;
        final long startedNanos = System.nanoTime();
        boolean connected;
        boolean ending;
        boolean offerSent;
        /** An offer went out and no answer to it came yet: a further answer is a duplicate (QoS 1) and is ignored. */
        boolean awaitingAnswer;
        final java.util.List<Candidate> early = new java.util.ArrayList<>();
        Runnable cancelTimeout = () -> { };
        CompletableFuture<JsonNode> pendingStats;
        long lastHeardNanos;

        /**
         * A worker frozen mid-call (SIGSTOP, a native deadlock) sends nothing and the call would
         * hang until the owner gives up: ask it for stats now and then, and end the call
         * ({@code media-failed}) and kill it if it stays silent.
         */
        void heartbeat() {
            timers.schedule(heartbeatEvery, () -> {
                if (session != this || ending) {
                    return;
                }
                long silentMs = (System.nanoTime() - lastHeardNanos) / 1_000_000;
                if (silentMs > heartbeatSilence.toMillis()) {
                    log.error("Call {}: the media worker (pid {}) has not answered for {} ms; ending the call", id, worker.pid(), silentMs);
                    ending = true;
                    worker.kill();
                    finish(Hangup.Reason.MEDIA_FAILED.wireName(), true);
                    return;
                }
                worker.send(WorkerProcess.request("stats", id));
                heartbeat();
            });
        }

        Session(String id, String ownerId, String ringId, WorkerProcess worker) {
            this.id = id;
            this.ownerId = ownerId;
            this.ringId = ringId;
            this.worker = worker;
        }

        @Override
        public void onEvent(WorkerProcess from, JsonNode event) {
            if (session != this) {
                return;
            }
            switch (event.path("ev").asText()) {
                case "offer" -> {
                    log.info("Call {}: offer ready {} ms after the answer", id, (System.nanoTime() - startedNanos) / 1_000_000);
                    // The owner's servers come with the offer (fresh TURN credentials for this call), so a page
                    // loaded away from the doorbell, without /api/config, can still use the relay.
                    send(new Offer(deviceId, id, ringId, event.path("sdp").asText(), clock.instant(),
                            IceServers.forOwner(config.iceServers(), deviceId, clock.instant())));
                    offerSent = true;
                    awaitingAnswer = true;
                    early.forEach(this::send);
                    early.clear();
                }
                case "candidate" -> {
                    String line = event.path("candidate").asText();
                    if (Sdp.isCandidateLine(line)) {
                        Candidate candidate = new Candidate(deviceId, id, line, event.path("sdpMid").asText("0"),
                                event.path("sdpMLineIndex").asInt(), clock.instant());
                        if (offerSent) {
                            send(candidate);
                        } else {
                            early.add(candidate); // the owner needs the offer first
                        }
                    }
                }
                case "state" -> {
                    String state = event.path("state").asText();
                    log.info("Call {}: media {}", id, state);
                    if (state.equals("connected") && !connected) {
                        connected = true;
                        cancelTimeout.run();
                        update(); // the snapshot is current before anyone hears of it
                        send(new CallState(deviceId, id, CallState.State.CONNECTED, clock.instant()));
                        lastHeardNanos = System.nanoTime();
                        heartbeat();
                    }
                }
                case "stats" -> {
                    lastHeardNanos = System.nanoTime();
                    lastStats = event;
                    if (pendingStats != null) {
                        pendingStats.complete(event);
                        pendingStats = null;
                    }
                    update();
                }
                case "ended" -> finish(event.path("reason").asText("normal"), !ending);
                case "error" -> log.warn("Call {}: media worker error: {}", id, event.path("message").asText());
                default -> log.debug("Call {}: worker event {}", id, event);
            }
        }

        @Override
        public void onExit(WorkerProcess from, int exitCode) {
            if (session == this) {
                log.error("Call {}: the media worker (pid {}) died with exit code {}; ending the call", id, from.pid(), exitCode);
                finish(Hangup.Reason.MEDIA_FAILED.wireName(), true);
            }
        }

        private void send(CallMessage message) {
            signals.toOwner(ownerId, message);
        }

        /** The call is over: tell the owner (a hangup if the device ended it), release the worker. */
        void finish(String reason, boolean deviceEnded) {
            if (session != this) {
                return;
            }
            cancelTimeout.run();
            session = null;
            lastEnd = reason;
            update(); // the snapshot is current before anyone hears of it
            if (deviceEnded) {
                send(new Hangup(deviceId, id, reason(reason), clock.instant()));
            }
            send(new CallState(deviceId, id, CallState.State.ENDED, clock.instant()));
            if (pendingStats != null) {
                pendingStats.completeExceptionally(new IllegalStateException("the call ended"));
            }
            log.info("Call {} with owner {} ended ({}) after {} s", id, ownerId, reason,
                    (System.nanoTime() - startedNanos) / 1_000_000_000);
            worker.stop();
            try {
                workers.warm();
            } catch (RuntimeException e) {
                log.error("No media worker ready for the next call: {}", e.getMessage());
            }
            update();
        }
    }

    public CallController(String deviceId, MediaConfig config, Clock clock, Executor loop, Timers timers,
            CallSignals signals, Supplier<String> sessionIds) {
        this(deviceId, config, clock, loop, timers, signals, sessionIds, new MediaWorkers(config, loop, timers), SETUP_TIMEOUT);
    }

    /** With given workers and setup timeout (tests). */
    CallController(String deviceId, MediaConfig config, Clock clock, Executor loop, Timers timers,
            CallSignals signals, Supplier<String> sessionIds, MediaWorkers workers, Duration setupTimeout) {
        this.deviceId = deviceId;
        this.setupTimeout = setupTimeout;
        this.config = config;
        this.clock = clock;
        this.loop = loop;
        this.timers = timers;
        this.signals = signals;
        this.sessionIds = sessionIds;
        this.workers = workers;
        update();
        loop.execute(() -> {
            try {
                workers.warm();
            } catch (RuntimeException e) {
                log.error("No media worker ready for calls: {}", e.getMessage());
            }
            update();
        });
    }

    /** The ring {@code ringId} was answered by {@code ownerId}: call them. */
    public void start(String ownerId, String ringId) {
        loop.execute(() -> {
            String id = sessionIds.get();
            if (session != null) {
                log.info("Owner {} answered ring {} during call {}: busy", ownerId, ringId, session.id);
                signals.toOwner(ownerId, new Hangup(deviceId, id, Hangup.Reason.BUSY, clock.instant()));
                return;
            }
            WorkerProcess worker;
            try {
                worker = workers.take();
            } catch (RuntimeException e) {
                // No media worker (a missing program in media.workerCommandPrefix, no Java): the owner hears so at once.
                log.error("Call {} to owner {} for ring {}: {}", id, ownerId, ringId, e.getMessage());
                lastEnd = Hangup.Reason.MEDIA_FAILED.wireName();
                signals.toOwner(ownerId, new Hangup(deviceId, id, Hangup.Reason.MEDIA_FAILED, clock.instant()));
                signals.toOwner(ownerId, new CallState(deviceId, id, CallState.State.ENDED, clock.instant()));
                update();
                return;
            }
            Session s = new Session(id, ownerId, ringId, worker);
            session = s;
            callsStarted++;
            worker.listen(s);
            log.info("Call {} to owner {} for ring {} (media worker {})", id, ownerId, ringId, worker.pid());
            signals.toOwner(ownerId, new CallState(deviceId, id, CallState.State.CONNECTING, clock.instant()));
            s.cancelTimeout = timers.schedule(setupTimeout, () -> {
                if (session == s && !s.connected) {
                    log.warn("Call {}: no media after {} ms", id, setupTimeout.toMillis());
                    s.ending = true;
                    s.worker.send(WorkerProcess.request("hangup", id).put("reason", "timeout"));
                    s.finish(Hangup.Reason.TIMEOUT.wireName(), true);
                }
            });
            worker.ready().whenComplete((ms, failure) -> loop.execute(() -> {
                if (session != s) {
                    return;
                }
                if (failure != null) {
                    log.error("Call {}: {}", id, failure.getMessage());
                    s.finish(Hangup.Reason.MEDIA_FAILED.wireName(), true);
                    return;
                }
                ObjectNode call = WorkerProcess.request("call", id);
                ArrayNode servers = call.putArray("iceServers");
                for (Map<String, Object> server : IceServers.issue(config.iceServers(), deviceId, clock.instant())) {
                    servers.add(JSON.valueToTree(server));
                }
                worker.send(call);
            }));
            update();
        });
    }

    /** How often a call's worker is asked for stats, and how long it may stay silent (tests). */
    void heartbeat(Duration every, Duration silence) {
        heartbeatEvery = every;
        heartbeatSilence = silence;
    }

    /** Answer, candidate or hangup from an owner. Anything for another session or from another owner is ignored. */
    public void ownerMessage(String ownerId, CallMessage message) {
        loop.execute(() -> {
            Session s = session;
            if (s == null || !s.id.equals(message.sessionId()) || !s.ownerId.equals(ownerId)) {
                log.info("Ignored {} from owner {} for session {}: not the current call{}", message.type().wireName(), ownerId,
                        message.sessionId(), s == null ? "" : " (" + s.id + " with " + s.ownerId + ")");
                return;
            }
            switch (message) {
                case Answer a -> {
                    if (!s.awaitingAnswer) {
                        log.info("Call {}: ignored an answer from owner {}: no offer of ours awaits one (a duplicate, or early)", s.id, ownerId);
                        return;
                    }
                    s.awaitingAnswer = false;
                    s.worker.send(WorkerProcess.request("answer", s.id).put("sdp", a.sdp()));
                }
                case Candidate c -> s.worker.send(WorkerProcess.request("candidate", s.id).put("candidate", c.candidate())
                        .put("sdpMid", c.sdpMid()).put("sdpMLineIndex", c.sdpMLineIndex()));
                case Hangup h -> {
                    log.info("Call {}: owner {} hung up", s.id, ownerId);
                    s.ending = true;
                    s.worker.send(WorkerProcess.request("hangup", s.id).put("reason", "normal"));
                    s.finish(Hangup.Reason.NORMAL.wireName(), false);
                }
                default -> log.warn("Ignored {} from owner {}: owners do not send it", message.type().wireName(), ownerId);
            }
        });
    }

    /** Hangs up from the doorbell's side. */
    public void hangup() {
        loop.execute(() -> {
            Session s = session;
            if (s != null) {
                s.ending = true;
                s.worker.send(WorkerProcess.request("hangup", s.id).put("reason", "normal"));
                s.finish(Hangup.Reason.NORMAL.wireName(), true);
            }
        });
    }

    /** Asks the current call's worker for fresh stats. */
    public CompletableFuture<JsonNode> stats() {
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        loop.execute(() -> {
            Session s = session;
            if (s == null) {
                result.completeExceptionally(new IllegalStateException("no call"));
                return;
            }
            if (s.pendingStats != null) {
                s.pendingStats.whenComplete((v, e) -> {
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else {
                        result.complete(v);
                    }
                });
                return;
            }
            s.pendingStats = result;
            s.worker.send(WorkerProcess.request("stats", s.id));
        });
        return result;
    }

    /** Kills the current call's media worker (tests of crash handling). */
    public void killWorkerForTest() {
        loop.execute(() -> {
            if (session != null) {
                session.worker.kill();
            }
        });
    }

    public CallSnapshot snapshot() {
        return snapshot;
    }

    /** Whether a pre-warmed media worker is ready for the next call (any thread). */
    public boolean workerReady() {
        return workers.spareReady();
    }

    private void update() {
        Session s = session;
        snapshot = new CallSnapshot(s == null ? "idle" : s.connected ? "connected" : "starting",
                Optional.ofNullable(s).map(x -> x.id), Optional.ofNullable(s).map(x -> x.ownerId),
                Optional.ofNullable(s).map(x -> x.worker.pid()), Optional.ofNullable(lastStats), Optional.ofNullable(lastEnd),
                workers.started(), callsStarted);
    }

    private static Hangup.Reason reason(String wire) {
        return WireEnum.parse(Hangup.Reason.class, wire).orElse(Hangup.Reason.MEDIA_FAILED);
    }

    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                workers.close();
                if (session != null) {
                    session.ending = true;
                    session.worker.send(WorkerProcess.request("hangup", session.id).put("reason", "normal"));
                    session.finish(Hangup.Reason.NORMAL.wireName(), true);
                }
                done.complete(null);
            });
            done.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Calls did not close cleanly: {}", e.toString());
        }
    }
}
