package org.openbell.agent.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbell.agent.ring.Timers;
import org.openbell.signaling.Answer;
import org.openbell.signaling.CallMessage;
import org.openbell.signaling.CallState;
import org.openbell.signaling.Candidate;
import org.openbell.signaling.Hangup;
import org.openbell.signaling.Offer;

/**
 * The call session state machine and the worker channel, with a stand-in worker process (a
 * shell script speaking the channel's lines): no libwebrtc, real processes and pipes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CallControllerTest {

    private static final Path FAKE_WORKER = Path.of("src/test/resources/fake-worker/worker.sh");
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final BlockingQueue<Map.Entry<String, CallMessage>> sent = new LinkedBlockingQueue<>();
    private final AtomicInteger ids = new AtomicInteger();
    private CallController calls;

    private CallController controller(Duration setupTimeout, String... env) {
        return controller(MediaConfig.DEFAULT_LIVE_VIEW_MAX, setupTimeout, env);
    }

    private CallController controller(Duration liveViewMax, Duration setupTimeout, String... env) {
        return controller(liveViewMax, MediaConfig.DEFAULT_MAX_VIEWERS, setupTimeout, env);
    }

    private CallController controller(Duration liveViewMax, int maxViewers, Duration setupTimeout, String... env) {
        List<String> command = env.length == 0 ? List.of(FAKE_WORKER.toAbsolutePath().toString())
                : java.util.stream.Stream.concat(java.util.stream.Stream.concat(java.util.stream.Stream.of("env"), java.util.stream.Stream.of(env)),
                        java.util.stream.Stream.of(FAKE_WORKER.toAbsolutePath().toString())).toList();
        MediaConfig d = MediaConfig.defaults();
        MediaConfig media = new MediaConfig(d.options(), d.iceServers(), d.workerCommandPrefix(), d.pulseServer(), d.simulatedSound(),
                d.toneHz(), d.workerJava(), d.workerClasspath(), liveViewMax, maxViewers);
        calls = new CallController("front-door", media, Clock.systemUTC(), loop, Timers.on(loop),
                (owner, message) -> sent.add(Map.entry(owner, message)), () -> "s" + ids.incrementAndGet(),
                new MediaWorkers(command, Optional.empty(), loop, Timers.on(loop)), setupTimeout);
        return calls;
    }

    @AfterEach
    void stop() {
        if (calls != null) {
            calls.close();
        }
        loop.shutdownNow();
    }

    private <T extends CallMessage> T next(String owner, Class<T> type) throws InterruptedException {
        Map.Entry<String, CallMessage> entry = sent.poll(10, TimeUnit.SECONDS);
        if (entry == null) {
            throw new AssertionError("nothing sent, expected " + type.getSimpleName());
        }
        assertEquals(owner, entry.getKey(), "sent to " + entry);
        return assertInstanceOf(type, entry.getValue(), "got " + entry.getValue());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 400 && !condition.getAsBoolean(); i++) {
            Thread.sleep(25);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    private void connect(String owner) throws InterruptedException {
        calls.start(owner, "r1");
        assertEquals(CallState.State.CONNECTING, next(owner, CallState.class).state());
        Offer offer = next(owner, Offer.class);
        assertEquals(Optional.of("r1"), offer.ringId());
        assertTrue(offer.sdp().startsWith("v=0"));
        next(owner, Candidate.class); // after the offer, though the worker produced it first
        calls.ownerMessage(owner, new Answer("front-door", offer.sessionId(), "v=0\r\n", Instant.now()));
        assertEquals(CallState.State.CONNECTED, next(owner, CallState.class).state());
        assertEquals("connected", calls.snapshot().phase());
    }

    @Test
    void anAnsweredRingBecomesAConnectedCallAndTheOwnerHangsUp() throws Exception {
        controller(Duration.ofSeconds(30));
        connect("alice");
        String session = calls.snapshot().sessionId().orElseThrow();
        long pid = calls.snapshot().workerPid().orElseThrow();
        assertEquals(1234, calls.stats().get(5, TimeUnit.SECONDS).path("audioInPeakRms").asInt());

        calls.ownerMessage("alice", new Hangup("front-door", session, Hangup.Reason.NORMAL, Instant.now()));
        assertEquals(CallState.State.ENDED, next("alice", CallState.class).state(), "no hangup is echoed back");
        assertEquals("idle", calls.snapshot().phase());
        assertEquals(Optional.of("normal"), calls.snapshot().lastEnd());
        await(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "the worker exits after its call");
    }

    /** Issue 11: a worker frozen mid-call (SIGSTOP) is noticed by the stats heartbeat; the call ends media-failed. */
    @Test
    void aWorkerFrozenMidCallEndsTheCall() throws Exception {
        controller(Duration.ofSeconds(30));
        calls.heartbeat(Duration.ofMillis(200), Duration.ofSeconds(1));
        connect("alice");
        long pid = calls.snapshot().workerPid().orElseThrow();
        Thread.sleep(700);
        sent.clear();
        assertEquals("connected", calls.snapshot().phase(), "a worker that answers keeps its call");
        Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start();
        assertEquals(0, stop.waitFor());
        assertEquals(Hangup.Reason.MEDIA_FAILED, next("alice", Hangup.class).reason());
        assertEquals(CallState.State.ENDED, next("alice", CallState.class).state());
        await(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "the frozen worker was killed");
    }

    /** Issue 11, defect 6b: QoS 1 may deliver an answer twice; the second one killed a working call. */
    @Test
    void aDuplicateAnswerLeavesTheCallUp() throws Exception {
        controller(Duration.ofSeconds(30));
        connect("alice");
        String session = calls.snapshot().sessionId().orElseThrow();
        calls.ownerMessage("alice", new Answer("front-door", session, "v=0\r\n", Instant.now()));
        Map.Entry<String, CallMessage> after = sent.poll(1500, TimeUnit.MILLISECONDS);
        assertEquals(null, after, "nothing sent: the call goes on");
        assertEquals("connected", calls.snapshot().phase());
    }

    /** Issue 11, defect 6b: a worker that cannot start (a missing program) gave no offer, no hangup, no log line. */
    @Test
    void aWorkerThatCannotStartEndsTheCallAtOnce() throws Exception {
        calls = new CallController("front-door", MediaConfig.defaults(), Clock.systemUTC(), loop, Timers.on(loop),
                (owner, message) -> sent.add(Map.entry(owner, message)), () -> "s" + ids.incrementAndGet(),
                new MediaWorkers(List.of("/no/such/worker"), Optional.empty(), loop, Timers.on(loop)), Duration.ofSeconds(30));
        calls.start("alice", "r1");
        assertEquals(Hangup.Reason.MEDIA_FAILED, next("alice", Hangup.class).reason());
        assertEquals(CallState.State.ENDED, next("alice", CallState.class).state());
        assertEquals("idle", calls.snapshot().phase());
    }

    /** A spare that dies at once (a library missing on the image) is not restarted in a tight loop on the ring thread. */
    @Test
    void aWorkerThatDiesAtStartIsRestartedWithBackoff() throws Exception {
        MediaWorkers workers = new MediaWorkers(List.of("sh", "-c", "exit 3"), Optional.empty(), loop, Timers.on(loop));
        try {
            loop.submit(workers::warm).get();
            Thread.sleep(2500);
            int started = loop.submit(workers::started).get();
            // Without the backoff: thousands. With it: the first at once, then after 1 s and 2 s.
            assertTrue(started >= 2 && started <= 3, "spares started in 2.5 s: " + started);
        } finally {
            loop.submit(workers::close).get();
        }
    }

    @Test
    void messagesForAnotherSessionOrFromAnotherOwnerAreIgnored() throws Exception {
        controller(Duration.ofSeconds(30));
        connect("alice");
        String session = calls.snapshot().sessionId().orElseThrow();
        calls.ownerMessage("mallory", new Hangup("front-door", session, Hangup.Reason.NORMAL, Instant.now()));
        calls.ownerMessage("alice", new Hangup("front-door", "s-stale", Hangup.Reason.NORMAL, Instant.now()));
        Thread.sleep(300);
        assertEquals("connected", calls.snapshot().phase());
        assertNull(sent.poll(200, TimeUnit.MILLISECONDS));
    }

    @Test
    void theDoorbellCanHangUp() throws Exception {
        controller(Duration.ofSeconds(30));
        connect("alice");
        calls.hangup();
        assertEquals(Hangup.Reason.NORMAL, next("alice", Hangup.class).reason());
        assertEquals(CallState.State.ENDED, next("alice", CallState.class).state());
    }

    @Test
    void aWorkerThatDiesEndsTheCallAndTheNextCallGetsAFreshWorker() throws Exception {
        controller(Duration.ofSeconds(30));
        connect("alice");
        long pid = calls.snapshot().workerPid().orElseThrow();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        assertEquals(Hangup.Reason.MEDIA_FAILED, next("alice", Hangup.class).reason());
        assertEquals(CallState.State.ENDED, next("alice", CallState.class).state());
        assertEquals(Optional.of("media-failed"), calls.snapshot().lastEnd());

        connect("bob");
        assertTrue(calls.snapshot().workerPid().orElseThrow() != pid, "a new worker");
        assertTrue(calls.snapshot().workersStarted() >= 2);
    }

    @Test
    void anAnswerDuringACallJoinsItOnTheSameWorker() throws Exception {
        controller(Duration.ofSeconds(30));
        connect("alice");
        long pid = calls.snapshot().workerPid().orElseThrow();
        calls.start("bob", "r2");
        assertEquals(CallState.State.CONNECTING, next("bob", CallState.class).state());
        Offer offer = next("bob", Offer.class);
        assertEquals(Optional.of("r2"), offer.ringId());
        next("bob", Candidate.class);
        calls.ownerMessage("bob", new Answer("front-door", offer.sessionId(), "v=0\r\n", Instant.now()));
        assertEquals(CallState.State.CONNECTED, next("bob", CallState.class).state());
        assertEquals(2, calls.snapshot().viewers());
        assertEquals(List.of("alice", "bob"), calls.snapshot().viewerOwners());
        assertEquals(pid, calls.snapshot().workerPid().orElseThrow(), "one worker, one camera, two peer connections");
    }

    @Test
    void aCallThatNeverConnectsTimesOut() throws Exception {
        controller(Duration.ofMillis(500), "FAKE_WORKER_NO_CONNECT=1");
        calls.start("alice", "r1");
        next("alice", CallState.class);
        Offer offer = next("alice", Offer.class);
        next("alice", Candidate.class);
        calls.ownerMessage("alice", new Answer("front-door", offer.sessionId(), "v=0\r\n", Instant.now()));
        assertEquals(Hangup.Reason.TIMEOUT, next("alice", Hangup.class).reason());
        assertEquals(CallState.State.ENDED, next("alice", CallState.class).state());
        assertEquals("idle", calls.snapshot().phase());
    }

    /**
     * The path breaks after the call connected and the worker restarts ICE: its new offer reaches
     * the owner on the same call, the owner's answer to it is taken (one per offer) and the call
     * stays connected throughout; no second "connected" is sent, and a further answer is ignored.
     */
    @Test
    void anIceRestartReOffersOnTheSameCallAndTakesOneAnswerForIt() throws Exception {
        controller(Duration.ofSeconds(30), "FAKE_WORKER_RESTART=1");
        List<CallPhase> phases = new java.util.concurrent.CopyOnWriteArrayList<>();
        calls.addListener((session, from, to, snapshot) -> phases.add(to));
        connect("alice");
        Offer restart = next("alice", Offer.class);
        assertTrue(restart.sdp().contains("fake offer 2"), restart.sdp());
        await(() -> calls.snapshot().callPhase().equals(Optional.of(CallPhase.RESTARTING)), "the call restarting");
        assertEquals("connected", calls.snapshot().phase(), "status still shows the call connected");
        calls.ownerMessage("alice", new Answer("front-door", restart.sessionId(), "v=0\r\n", Instant.now()));
        await(() -> calls.snapshot().callPhase().equals(Optional.of(CallPhase.CONNECTED)), "connected again");
        calls.ownerMessage("alice", new Answer("front-door", restart.sessionId(), "v=0\r\n", Instant.now()));
        assertNull(sent.poll(1000, TimeUnit.MILLISECONDS), "no second connected, and the duplicate answer is ignored");
        assertEquals(2, calls.stats().get(5, TimeUnit.SECONDS).path("offers").asInt(), "the worker saw exactly two answers");
        assertEquals(List.of(CallPhase.OFFERED, CallPhase.ANSWERED, CallPhase.CONNECTED, CallPhase.RESTARTING, CallPhase.CONNECTED),
                phases);
    }

    @Test
    void listenersSeeEveryPhaseOfACallToItsEnd() throws Exception {
        controller(Duration.ofSeconds(30));
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        calls.addListener((session, from, to, snapshot) -> seen.add(from + ">" + to + ":" + snapshot.phase()));
        connect("alice");
        calls.hangup();
        next("alice", Hangup.class);
        assertEquals(List.of("STARTING>OFFERED:starting", "OFFERED>ANSWERED:starting", "ANSWERED>CONNECTED:connected",
                "CONNECTED>ENDED:idle"), seen);
    }

    /** A live view: the owner's session id, an offer without a ring, connected after the answer. */
    private Offer watch(String owner, String sessionId) throws InterruptedException {
        calls.startLive(owner, sessionId);
        CallState connecting = next(owner, CallState.class);
        assertEquals(CallState.State.CONNECTING, connecting.state());
        assertEquals(sessionId, connecting.sessionId(), "the owner's own session id");
        Offer offer = next(owner, Offer.class);
        assertEquals(Optional.empty(), offer.ringId(), "a live view's offer names no ring");
        assertTrue(offer.liveView());
        next(owner, Candidate.class);
        calls.ownerMessage(owner, new Answer("front-door", sessionId, "v=0\r\n", Instant.now()));
        assertEquals(CallState.State.CONNECTED, next(owner, CallState.class).state());
        assertTrue(calls.snapshot().liveView());
        return offer;
    }

    @Test
    void aLiveViewEndsWhenItsTimeIsUpUnlessRenewed() throws Exception {
        controller(Duration.ofMillis(1500), Duration.ofSeconds(30));
        watch("alice", "lv1");
        for (int i = 0; i < 3; i++) { // renewed every second: goes on past its 1.5 s
            Thread.sleep(1000);
            calls.ownerMessage("alice", new org.openbell.signaling.LiveRequest("front-door", "lv1", Instant.now()));
        }
        assertNull(sent.poll(200, TimeUnit.MILLISECONDS), "renewed, nothing ends");
        assertEquals("connected", calls.snapshot().phase());
        Hangup end = next("alice", Hangup.class); // no renewal now: it ends 1.5 s after the last one
        assertEquals(Hangup.Reason.TIMEOUT, end.reason());
        assertEquals(CallState.State.ENDED, next("alice", CallState.class).state());
        assertEquals("idle", calls.snapshot().phase());
    }

    @Test
    void aLiveRequestWhileTheRepeatedOneRunsRenewsItAndAnotherIsBusyPastTheCap() throws Exception {
        controller(MediaConfig.DEFAULT_LIVE_VIEW_MAX, 1, Duration.ofSeconds(30));
        watch("alice", "lv1");
        calls.startLive("alice", "lv1"); // the same session again: a renewal, nothing sent
        assertNull(sent.poll(500, TimeUnit.MILLISECONDS));
        calls.startLive("bob", "lv2");
        Hangup busy = next("bob", Hangup.class);
        assertEquals(Hangup.Reason.BUSY, busy.reason());
        assertEquals("lv2", busy.sessionId());
        assertEquals(Optional.of("lv1"), calls.snapshot().sessionId());
    }

    @Test
    void theWatcherAnswersARingInPlace() throws Exception {
        controller(Duration.ofMillis(1500), Duration.ofSeconds(30));
        watch("alice", "lv1");
        calls.start("alice", "r9");
        assertNull(sent.poll(2500, TimeUnit.MILLISECONDS), "the same call goes on, past the live view's time");
        assertEquals(Optional.of("lv1"), calls.snapshot().sessionId());
        assertTrue(!calls.snapshot().liveView(), "now the ring's call");
        assertEquals("connected", calls.snapshot().phase());
    }

    @Test
    void anotherOwnerAnsweringARingJoinsTheLiveViewWhichGoesOn() throws Exception {
        controller(MediaConfig.DEFAULT_LIVE_VIEW_MAX, 1, Duration.ofSeconds(30));
        watch("alice", "lv1");
        calls.start("bob", "r9"); // the answerer of a ring always gets in, even past the cap
        assertEquals(CallState.State.CONNECTING, next("bob", CallState.class).state());
        Offer offer = next("bob", Offer.class);
        assertEquals(Optional.of("r9"), offer.ringId());
        assertEquals(Optional.of("lv1"), calls.snapshot().sessionId(), "alice's live view goes on");
        assertEquals(2, calls.snapshot().viewers());
    }

    /** A flood of live-requests past the cap gets one busy a second, not one each; an owner's new live view replaces their old one. */
    @Test
    void busyIsAnsweredOnceASecondAndAnOwnersNewLiveViewReplacesTheirOld() throws Exception {
        controller(MediaConfig.DEFAULT_LIVE_VIEW_MAX, 1, Duration.ofSeconds(30));
        watch("alice", "lv1");
        for (int i = 0; i < 20; i++) {
            calls.startLive("bob", "flood" + i);
        }
        assertEquals(Hangup.Reason.BUSY, next("bob", Hangup.class).reason());
        assertNull(sent.poll(500, TimeUnit.MILLISECONDS), "one busy for the flood");
        Thread.sleep(600);
        calls.startLive("bob", "later");
        assertEquals("later", next("bob", Hangup.class).sessionId(), "a second later, busy again");

        calls.startLive("alice", "lv2"); // alice reloads her app: her new view replaces the old, at the cap
        assertEquals(CallState.State.CONNECTING, next("alice", CallState.class).state());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 4; i++) {
            var entry = sent.poll(10, TimeUnit.SECONDS);
            seen.add(entry.getValue().type().wireName() + ":" + entry.getValue().sessionId());
        }
        assertTrue(seen.containsAll(java.util.Set.of("offer:lv2", "hangup:lv1", "call-state:lv1")), seen.toString());
        assertEquals(1, calls.snapshot().viewers());
        assertEquals(Optional.of("lv2"), calls.snapshot().sessionId());
    }

    /**
     * Several viewers: owners join by live-request up to the cap (then busy); each leaves on their
     * own and the call goes on for the others; the last one out releases the worker.
     */
    @Test
    void viewersJoinUpToTheCapAndLeaveOnTheirOwn() throws Exception {
        controller(Duration.ofSeconds(30));
        List<Integer> viewers = new java.util.concurrent.CopyOnWriteArrayList<>();
        calls.addListener((session, from, to, snapshot) -> viewers.add(snapshot.viewers()));
        watch("alice", "lv1");
        long pid = calls.snapshot().workerPid().orElseThrow();
        watch("bob", "lv2");
        watch("carol", "lv3");
        calls.startLive("dave", "lv4");
        Hangup busy = next("dave", Hangup.class);
        assertEquals(Hangup.Reason.BUSY, busy.reason(), "past media.maxViewers (" + MediaConfig.DEFAULT_MAX_VIEWERS + ")");
        assertEquals("lv4", busy.sessionId());
        assertEquals(3, calls.snapshot().viewers());

        calls.ownerMessage("alice", new Hangup("front-door", "lv1", Hangup.Reason.NORMAL, Instant.now()));
        assertEquals(CallState.State.ENDED, next("alice", CallState.class).state());
        assertEquals(2, calls.snapshot().viewers());
        assertEquals(Optional.of("lv2"), calls.snapshot().sessionId(), "bob's is the oldest now");
        assertEquals(pid, calls.snapshot().workerPid().orElseThrow(), "the same worker goes on for bob and carol");
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertEquals("connected", calls.snapshot().phase());

        calls.hangup(); // the doorbell's side ends it for everyone
        java.util.Set<String> ended = new java.util.HashSet<>();
        for (int i = 0; i < 4; i++) {
            var entry = sent.poll(10, TimeUnit.SECONDS);
            ended.add(entry.getKey() + ":" + entry.getValue().type().wireName());
        }
        assertEquals(java.util.Set.of("bob:hangup", "bob:call-state", "carol:hangup", "carol:call-state"), ended);
        assertEquals("idle", calls.snapshot().phase());
        assertEquals(0, calls.snapshot().viewers());
        assertEquals(0, viewers.getLast(), "listeners see no viewers at the end (the LED stops showing the camera watched)");
        await(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "the worker to exit after its last viewer");
    }
}
