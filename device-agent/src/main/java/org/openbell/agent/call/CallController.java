package org.openbell.agent.call;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.openbell.agent.ring.Timers;
import org.openbell.media.channel.EndReason;
import org.openbell.media.channel.MediaState;
import org.openbell.media.channel.WorkerCandidate;
import org.openbell.media.channel.WorkerEvent;
import org.openbell.media.channel.WorkerIceServer;
import org.openbell.media.channel.WorkerRequest;
import org.openbell.signaling.Answer;
import org.openbell.signaling.CallMessage;
import org.openbell.signaling.CallState;
import org.openbell.signaling.Candidate;
import org.openbell.signaling.Hangup;
import org.openbell.signaling.IceServer;
import org.openbell.signaling.LiveRequest;
import org.openbell.signaling.Offer;
import org.openbell.signaling.Sdp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the call that follows an answered ring and owners' live views: takes the pre-warmed media
 * worker, relays WebRTC signaling between it and each owner, and ends calls cleanly whatever
 * happens to the worker (a crash becomes a {@code hangup media-failed} to every owner, and a fresh
 * worker is already warming). One call at a time, seen by several owners: each owner's peer
 * connection is a {@code Session} on the one worker (its camera, its microphone, the owners' voices
 * mixed at its speaker); live-requests join it up to {@code media.maxViewers}, the answerer of a
 * ring always does. All state on the rings-and-calls thread. Each session's life is
 * {@link CallPhase}; every change goes through its {@code transition}.
 */
public final class CallController implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallController.class);
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
    private final List<CallListener> listeners = new CopyOnWriteArrayList<>();
    /** During a call the worker is asked for stats this often; silent for {@link #heartbeatSilence}, it is taken as frozen. */
    private Duration heartbeatEvery = Duration.ofSeconds(5);
    private Duration heartbeatSilence = Duration.ofSeconds(20);

    // Rings-and-calls thread state.
    /** The sessions of the call in progress, oldest first, all on {@link #busy}; empty when no call is on. */
    private final List<Session> sessions = new java.util.ArrayList<>();
    /** The worker serving the call in progress (null when none). */
    private WorkerProcess busy;
    private ObjectNode lastStats;
    private String lastEnd;
    private long callsStarted;
    private volatile CallSnapshot snapshot;
    private volatile java.util.function.Consumer<WorkerEvent.SnapshotTaken> pictures = p -> { };

    private final class Session {
        final String id;
        final String ownerId;
        /** The ring this call answers; empty for a live view (until its owner answers a ring in place). */
        Optional<String> ringId;
        /** Ends a live view when its time is up (renewed by the owner's live-request). */
        Runnable cancelLiveEnd = () -> { };
        final WorkerProcess worker;
        final long startedNanos = System.nanoTime();
        CallPhase phase = CallPhase.STARTING;
        /** The worker's candidates found before its offer went out: the owner needs the offer first. */
        final java.util.List<Candidate> early = new java.util.ArrayList<>();
        Runnable cancelTimeout = () -> { };
        CompletableFuture<ObjectNode> pendingStats;
        long lastHeardNanos;

        Session(String id, String ownerId, Optional<String> ringId, WorkerProcess worker) {
            this.id = id;
            this.ownerId = ownerId;
            this.ringId = ringId;
            this.worker = worker;
        }

        boolean liveView() {
            return ringId.isEmpty();
        }

        /** A live view lasts {@code liveViewMax} from now (at its start, and at each renewal). */
        void liveFor(Duration max) {
            cancelLiveEnd.run();
            cancelLiveEnd = timers.schedule(max, () -> {
                if (sessions.contains(this) && liveView()) {
                    log.info("Call {}: the live view's {} s are up", id, max.toSeconds());
                    end(Hangup.Reason.TIMEOUT, EndReason.NORMAL, "the live view's time is up");
                }
            });
        }

        /** The one place where a call's phase changes: checks the diagram, logs, updates the snapshot, notifies. */
        void transition(CallPhase to, String why) {
            CallPhase from = phase;
            if (!from.canMoveTo(to)) {
                throw new IllegalStateException("call " + id + ": " + from + " -> " + to + " is not allowed (" + why + ")");
            }
            phase = to;
            log.info("Call {}: {} -> {} ({})", id, from, to, why);
            if (to == CallPhase.ENDED) {
                sessions.remove(this);
            }
            update(); // the snapshot is current before anyone hears of it
            for (CallListener listener : listeners) {
                try {
                    listener.onTransition(id, from, to, snapshot);
                } catch (RuntimeException e) {
                    log.warn("Call listener failed on {} -> {}: {}", from, to, e.toString(), e);
                }
            }
            if (!from.hasConnected() && to.hasConnected()) {
                cancelTimeout.run();
                send(new CallState(deviceId, id, CallState.State.CONNECTED, clock.instant()));
                lastHeardNanos = System.nanoTime();
                heartbeat();
            }
        }

        /**
         * A worker frozen mid-call (SIGSTOP, a native deadlock) sends nothing and the call would
         * hang until the owner gives up: ask it for stats now and then, and end the call
         * ({@code media-failed}) and kill it if it stays silent.
         */
        void heartbeat() {
            timers.schedule(heartbeatEvery, () -> {
                if (!sessions.contains(this)) {
                    return;
                }
                long silentMs = (System.nanoTime() - lastHeardNanos) / 1_000_000;
                if (silentMs > heartbeatSilence.toMillis()) {
                    log.error("Call {}: the media worker (pid {}) has not answered for {} ms; ending the call", id, worker.pid(), silentMs);
                    worker.kill();
                    finish(Hangup.Reason.MEDIA_FAILED, true, "the worker is frozen");
                    return;
                }
                worker.send(new WorkerRequest.GetStats(id));
                heartbeat();
            });
        }

        void onEvent(WorkerEvent event) {
            if (!sessions.contains(this)) {
                return;
            }
            switch (event) {
                case WorkerEvent.OfferMade offer -> offerMade(offer);
                case WorkerEvent.CandidateFound found -> {
                    WorkerCandidate c = found.candidate();
                    if (!Sdp.isCandidateLine(c.candidate())) {
                        log.debug("Call {}: the worker's candidate is not one the protocol carries: not sent", id);
                        return;
                    }
                    Candidate candidate = new Candidate(deviceId, id, c.candidate(), c.sdpMid(), c.sdpMLineIndex(), clock.instant());
                    if (phase == CallPhase.STARTING) {
                        early.add(candidate);
                    } else {
                        send(candidate);
                    }
                }
                case WorkerEvent.MediaStateChanged change -> {
                    log.info("Call {}: media {}", id, change.state().wire());
                    if (change.state() == MediaState.CONNECTED) {
                        switch (phase) {
                            case ANSWERED -> transition(CallPhase.CONNECTED, "media connected");
                            case OFFERED -> transition(CallPhase.RESTARTING, "media connected while a new offer awaits its answer");
                            default -> { } // already connected, or a restart healed before its answer
                        }
                    }
                }
                case WorkerEvent.Stats stats -> {
                    lastHeardNanos = System.nanoTime();
                    lastStats = stats.figures();
                    if (pendingStats != null) {
                        pendingStats.complete(stats.figures());
                        pendingStats = null;
                    }
                    update();
                }
                case WorkerEvent.SnapshotTaken taken -> pictures.accept(taken); // routed before: not for a session
                case WorkerEvent.CallEnded ended -> finish(hangupReason(ended.reason()), true, "the media worker ended it");
                case WorkerEvent.Problem problem -> log.warn("Call {}: media worker error: {}", id, problem.message());
                case WorkerEvent.Ready ready -> log.debug("Call {}: a second ready from worker {}", id, ready.pid());
            }
        }

        private void offerMade(WorkerEvent.OfferMade offer) {
            CallPhase to = switch (phase) {
                case CONNECTED, RESTARTING -> CallPhase.RESTARTING;
                default -> CallPhase.OFFERED;
            };
            // The owner's servers come with the offer (fresh TURN credentials for this call), so a page
            // loaded away from the doorbell, without /api/config, can still use the relay.
            send(new Offer(deviceId, id, ringId, offer.sdp(), clock.instant(),
                    IceServers.forOwner(config.iceServers(), deviceId, clock.instant())));
            boolean first = phase == CallPhase.STARTING;
            transition(to, first ? "offer ready " + (System.nanoTime() - startedNanos) / 1_000_000 + " ms after the answer"
                    : "a new offer from the worker (ICE restart)");
            early.forEach(this::send);
            early.clear();
        }

        void onExit(WorkerProcess from, int exitCode) {
            if (sessions.contains(this)) {
                log.error("Call {}: the media worker (pid {}) died with exit code {}; ending the call", id, from.pid(), exitCode);
                finish(Hangup.Reason.MEDIA_FAILED, true, "the media worker died");
            }
        }

        void ownerMessage(String ownerId, CallMessage message) {
            switch (message) {
                case Answer a -> {
                    if (!phase.awaitsAnswer()) {
                        log.info("Call {}: ignored an answer from owner {} in {}: no offer of ours awaits one (a duplicate, or early)",
                                id, ownerId, phase);
                        return;
                    }
                    worker.send(new WorkerRequest.ApplyAnswer(id, a.sdp()));
                    transition(phase == CallPhase.RESTARTING ? CallPhase.CONNECTED : CallPhase.ANSWERED, "the owner's answer");
                }
                case Candidate c -> worker.send(new WorkerRequest.AddCandidate(id,
                        new WorkerCandidate(c.candidate(), c.sdpMid(), c.sdpMLineIndex())));
                case Hangup h -> {
                    log.info("Call {}: owner {} hung up", id, ownerId);
                    worker.send(new WorkerRequest.EndCall(id, EndReason.NORMAL));
                    finish(Hangup.Reason.NORMAL, false, "the owner hung up");
                }
                default -> log.warn("Ignored {} from owner {}: owners do not send it", message.type().wireName(), ownerId);
            }
        }

        private void send(CallMessage message) {
            signals.toOwner(ownerId, message);
        }

        /** This owner's part of the call is over: tell them (a hangup if the device ended it); the last one releases the worker. */
        void finish(Hangup.Reason reason, boolean deviceEnded, String why) {
            if (!sessions.contains(this)) {
                return;
            }
            cancelTimeout.run();
            cancelLiveEnd.run();
            lastEnd = reason.wireName();
            transition(CallPhase.ENDED, why + ": " + reason.wireName());
            if (deviceEnded) {
                send(new Hangup(deviceId, id, reason, clock.instant()));
            }
            send(new CallState(deviceId, id, CallState.State.ENDED, clock.instant()));
            if (pendingStats != null) {
                pendingStats.completeExceptionally(new IllegalStateException("the call ended"));
            }
            log.info("Call {} with owner {} ended ({}) after {} s; {} other viewer(s) on", id, ownerId, reason.wireName(),
                    (System.nanoTime() - startedNanos) / 1_000_000_000, sessions.size());
            if (sessions.isEmpty() && busy == worker) {
                busy = null;
                worker.stop();
                try {
                    workers.warm();
                } catch (RuntimeException e) {
                    log.error("No media worker ready for the next call: {}", e.getMessage());
                }
            }
            update();
        }

        /** The doorbell's side ends the call. */
        void end(Hangup.Reason reason, EndReason workerReason, String why) {
            worker.send(new WorkerRequest.EndCall(id, workerReason));
            finish(reason, true, why);
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

    /** Told of every call's phase changes (on the rings-and-calls thread). */
    public void addListener(CallListener listener) {
        listeners.add(listener);
    }

    /** Where ring pictures go ({@link #takePicture}), from whichever worker took them. */
    public void onPicture(java.util.function.Consumer<WorkerEvent.SnapshotTaken> sink) {
        pictures = sink;
        workers.onPicture(sink);
    }

    /**
     * A visitor pressed: the worker with the camera (the call's, during a call or live view; else
     * the warm spare, which keeps its camera open for {@code hold} for the call that may follow)
     * takes ring {@code ringId}'s picture, reported to {@link #onPicture}. Without a worker
     * (none can start) there is no picture; the ring is not affected either way.
     */
    public void takePicture(String ringId, Duration hold) {
        loop.execute(() -> {
            WorkerProcess worker;
            try {
                worker = busy != null ? busy : workers.spare();
            } catch (RuntimeException e) {
                log.warn("Ring {}: no picture, no media worker: {}", ringId, e.getMessage());
                return;
            }
            if (worker == null) {
                log.warn("Ring {}: no picture, no media worker", ringId);
                return;
            }
            long holdMs = Math.min(hold.toMillis(), WorkerRequest.TakeSnapshot.MAX_HOLD_MS);
            worker.ready().thenRun(() -> worker.send(new WorkerRequest.TakeSnapshot(ringId, holdMs)));
        });
    }

    /**
     * The ring {@code ringId} was answered by {@code ownerId}: call them. If that owner is watching
     * a live view, it becomes this ring's call in place; another owner's live view ends for it.
     */
    public void start(String ownerId, String ringId) {
        loop.execute(() -> {
            for (Session s : sessions) {
                if (s.ownerId.equals(ownerId) && s.liveView()) {
                    s.ringId = Optional.of(ringId);
                    s.cancelLiveEnd.run();
                    log.info("Call {}: owner {} answered ring {} in place of their live view", s.id, ownerId, ringId);
                    update();
                    return;
                }
            }
            begin(ownerId, sessionIds.get(), Optional.of(ringId)); // joins the call on if one is (never refused)
        });
    }

    /**
     * {@code ownerId} asks to see the door now ({@code live-request}): a call without a ring on
     * their {@code sessionId}, for {@code media.liveViewMax} unless renewed. Refused with
     * {@code hangup busy} while another call or live view is on.
     */
    public void startLive(String ownerId, String sessionId) {
        loop.execute(() -> {
            for (Session s : sessions) {
                if (s.id.equals(sessionId)) {
                    if (s.ownerId.equals(ownerId) && s.liveView()) {
                        log.info("Call {}: owner {} renewed the live view", s.id, ownerId);
                        s.liveFor(config.liveViewMax());
                    } else if (!s.ownerId.equals(ownerId)) {
                        log.warn("Owner {} asked for a live view on session {}, which is owner {}'s: ignored", ownerId, sessionId, s.ownerId);
                    }
                    return;
                }
            }
            begin(ownerId, sessionId, Optional.empty());
        });
    }

    private void begin(String ownerId, String id, Optional<String> ringId) {
        String what = ringId.map(r -> "ring " + r).orElse("a live view");
        // One live view per owner: a new one (the app reloaded, a second tab) replaces their older one.
        Optional<Session> older = ringId.isPresent() ? Optional.empty()
                : sessions.stream().filter(s -> s.ownerId.equals(ownerId) && s.liveView()).findFirst();
        if (!sessions.isEmpty()) {
            if (ringId.isEmpty() && older.isEmpty() && sessions.size() >= config.maxViewers()) {
                refuseBusy(ownerId, id, what);
                return;
            }
            log.info("Owner {} joins call {} for {}: viewer {} (at most {} by live-request)", ownerId, sessions.getFirst().id, what,
                    sessions.size() + 1, config.maxViewers());
            open(new Session(id, ownerId, ringId, busy));
            older.ifPresent(o -> o.end(Hangup.Reason.NORMAL, EndReason.NORMAL, "the owner opened a new live view"));
            return;
        }
        WorkerProcess worker;
        try {
            worker = workers.take();
        } catch (RuntimeException e) {
            // No media worker (a missing program in media.workerCommandPrefix, no Java): the owner hears so at once.
            log.error("Call {} to owner {} for {}: {}", id, ownerId, what, e.getMessage());
            lastEnd = Hangup.Reason.MEDIA_FAILED.wireName();
            signals.toOwner(ownerId, new Hangup(deviceId, id, Hangup.Reason.MEDIA_FAILED, clock.instant()));
            signals.toOwner(ownerId, new CallState(deviceId, id, CallState.State.ENDED, clock.instant()));
            update();
            return;
        }
        busy = worker;
        worker.listen(new Router(worker));
        log.info("Call {} to owner {} for {} (media worker {})", id, ownerId, what, worker.pid());
        open(new Session(id, ownerId, ringId, worker));
    }

    /** Busy replies to one owner at most this often: a flood of live-requests must not flood the outbox rings go through. */
    static final long BUSY_SPACING_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    private final java.util.Map<String, Long> lastBusyNanos = new java.util.HashMap<>();
    private long busyUnanswered;

    private void refuseBusy(String ownerId, String id, String what) {
        long now = System.nanoTime();
        Long last = lastBusyNanos.get(ownerId);
        if (last != null && now - last < BUSY_SPACING_NANOS) {
            busyUnanswered++;
            log.debug("Owner {} asked for {} again within a second of a busy: not answered ({} so far)", ownerId, what, busyUnanswered);
            return;
        }
        if (lastBusyNanos.size() > 1000) {
            lastBusyNanos.clear(); // an open broker: any name; the spacing is a courtesy, not a ledger
        }
        lastBusyNanos.put(ownerId, now);
        log.info("Owner {} asked for {} during call {}: busy, {} of {} viewers", ownerId, what, sessions.getFirst().id,
                sessions.size(), config.maxViewers());
        signals.toOwner(ownerId, new Hangup(deviceId, id, Hangup.Reason.BUSY, clock.instant()));
    }

    /** Starts {@code s} on its worker: one more owner's peer connection in the call. */
    private void open(Session s) {
        String id = s.id;
        WorkerProcess worker = s.worker;
        sessions.add(s);
        callsStarted++;
        signals.toOwner(s.ownerId, new CallState(deviceId, id, CallState.State.CONNECTING, clock.instant()));
        s.cancelTimeout = timers.schedule(setupTimeout, () -> {
            if (sessions.contains(s) && !s.phase.hasConnected()) {
                log.warn("Call {}: no media after {} ms", id, setupTimeout.toMillis());
                s.end(Hangup.Reason.TIMEOUT, EndReason.TIMEOUT, "no media within the set-up time");
            }
        });
        if (s.liveView()) {
            s.liveFor(config.liveViewMax());
        }
        Runnable startCall = () -> {
            if (!sessions.contains(s)) {
                return;
            }
            worker.send(new WorkerRequest.StartCall(id, forWorker(IceServers.issue(config.iceServers(), deviceId, clock.instant()))));
        };
        if (worker.ready().isDone() && !worker.ready().isCompletedExceptionally()) {
            // Now, in order: a viewer replacing another must reach the worker before the other's end
            // does, or the worker would see its last session end and exit.
            startCall.run();
        } else {
            worker.ready().whenComplete((ms, failure) -> loop.execute(() -> {
                if (failure != null && sessions.contains(s)) {
                    log.error("Call {}: {}", id, failure.getMessage());
                    s.finish(Hangup.Reason.MEDIA_FAILED, true, "the media worker did not start");
                    return;
                }
                startCall.run();
            }));
        }
        update();
    }

    /** The busy worker's events, to the session each names (a ring's picture to {@link #onPicture}). */
    private final class Router implements WorkerEvents {
        private final WorkerProcess worker;

        Router(WorkerProcess worker) {
            this.worker = worker;
        }

        @Override
        public void onEvent(WorkerProcess from, WorkerEvent event) {
            Optional<String> id = switch (event) {
                case WorkerEvent.OfferMade e -> Optional.of(e.session());
                case WorkerEvent.CandidateFound e -> Optional.of(e.session());
                case WorkerEvent.MediaStateChanged e -> Optional.of(e.session());
                case WorkerEvent.Stats e -> Optional.of(e.session());
                case WorkerEvent.CallEnded e -> Optional.of(e.session());
                case WorkerEvent.Problem e -> e.session();
                case WorkerEvent.SnapshotTaken taken -> {
                    pictures.accept(taken);
                    yield Optional.empty();
                }
                case WorkerEvent.Ready ready -> {
                    log.debug("A second ready from worker {}", ready.pid());
                    yield Optional.empty();
                }
            };
            if (id.isEmpty()) {
                if (event instanceof WorkerEvent.Problem problem) {
                    log.warn("Media worker {}: {}", worker.pid(), problem.message());
                }
                return;
            }
            for (Session s : List.copyOf(sessions)) {
                if (s.worker == worker && s.id.equals(id.get())) {
                    s.onEvent(event);
                    return;
                }
            }
            log.debug("Media worker {}: {} for no current session", worker.pid(), event);
        }

        @Override
        public void onExit(WorkerProcess from, int exitCode) {
            for (Session s : List.copyOf(sessions)) {
                if (s.worker == worker) {
                    s.onExit(from, exitCode);
                }
            }
            if (busy == worker) { // every session gone with it
                busy = null;
            }
        }
    }

    private static List<WorkerIceServer> forWorker(List<IceServer> servers) {
        return servers.stream().map(s -> new WorkerIceServer(s.urls(), s.username(), s.credential())).toList();
    }

    /** How often a call's worker is asked for stats, and how long it may stay silent (tests). */
    void heartbeat(Duration every, Duration silence) {
        heartbeatEvery = every;
        heartbeatSilence = silence;
    }

    /**
     * A call message from an owner: a {@code live-request} starts (or renews) their live view; an
     * answer, candidate or hangup goes to the current call. Anything for another session or from
     * another owner is ignored.
     */
    public void ownerMessage(String ownerId, CallMessage message) {
        if (message instanceof LiveRequest live) {
            startLive(ownerId, live.sessionId());
            return;
        }
        loop.execute(() -> {
            for (Session s : sessions) {
                if (s.id.equals(message.sessionId()) && s.ownerId.equals(ownerId)) {
                    s.ownerMessage(ownerId, message);
                    return;
                }
            }
            log.info("Ignored {} from owner {} for session {}: not a session of the current call ({})", message.type().wireName(), ownerId,
                    message.sessionId(), sessions.isEmpty() ? "none" : sessions.stream().map(x -> x.id + " with " + x.ownerId).toList());
        });
    }

    /** Hangs up from the doorbell's side. */
    public void hangup() {
        loop.execute(() -> {
            for (Session s : List.copyOf(sessions)) {
                s.end(Hangup.Reason.NORMAL, EndReason.NORMAL, "the doorbell hung up");
            }
        });
    }

    /** Asks the current call's worker for fresh stats (the figures object of its stats event). */
    public CompletableFuture<ObjectNode> stats() {
        CompletableFuture<ObjectNode> result = new CompletableFuture<>();
        loop.execute(() -> {
            Session s = sessions.isEmpty() ? null : sessions.getFirst();
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
            s.worker.send(new WorkerRequest.GetStats(s.id));
        });
        return result;
    }

    /** Kills the current call's media worker (tests of crash handling). */
    public void killWorkerForTest() {
        loop.execute(() -> {
            if (busy != null) {
                busy.kill();
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
        Session s = sessions.isEmpty() ? null : sessions.getFirst();
        snapshot = new CallSnapshot(Optional.ofNullable(s).map(x -> x.phase), s != null && s.liveView(), Optional.ofNullable(s).map(x -> x.id),
                Optional.ofNullable(s).map(x -> x.ownerId), Optional.ofNullable(s).map(x -> x.worker.pid()),
                Optional.ofNullable(lastStats), Optional.ofNullable(lastEnd), workers.started(), callsStarted, sessions.size(),
                sessions.stream().map(x -> x.ownerId).toList());
    }

    private static Hangup.Reason hangupReason(EndReason reason) {
        return switch (reason) {
            case NORMAL -> Hangup.Reason.NORMAL;
            case TIMEOUT -> Hangup.Reason.TIMEOUT;
            case MEDIA_FAILED -> Hangup.Reason.MEDIA_FAILED;
        };
    }

    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                workers.close();
                for (Session s : List.copyOf(sessions)) {
                    s.end(Hangup.Reason.NORMAL, EndReason.NORMAL, "the doorbell is stopping");
                }
                done.complete(null);
            });
            done.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Calls did not close cleanly: {}", e.toString());
        }
    }
}
