package org.openbell.agent.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openbell.hardware.ButtonPress;
import org.openbell.hardware.LedPattern;
import org.openbell.signaling.Message;
import org.openbell.signaling.Presence;
import org.openbell.signaling.Ring;
import org.openbell.signaling.RingAnswer;
import org.openbell.signaling.RingDecline;
import org.openbell.signaling.RingEnded;

class RingControllerTest {

    private static final Instant T0 = Instant.parse("2026-11-24T18:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<Message> published = new ArrayList<>();
    private final List<String> transitions = new ArrayList<>();
    private final List<LedPattern> led = new ArrayList<>();
    private final AtomicInteger chimes = new AtomicInteger();
    private final ManualTimers timers = new ManualTimers();
    private final AtomicInteger ids = new AtomicInteger();
    private RingController controller;

    @BeforeEach
    void setUp() {
        controller = new RingController("front-door", TIMEOUT, Clock.fixed(T0, ZoneOffset.UTC), Runnable::run, timers,
                chimes::incrementAndGet, led::add, new RingSignals() {
                    @Override
                    public void ringStarted(Ring ring) {
                        published.add(ring);
                    }

                    @Override
                    public void ringEnded(RingEnded ended) {
                        published.add(ended);
                    }
                }, () -> "r" + ids.incrementAndGet());
        controller.addListener((from, to, snapshot) -> transitions.add(from + "->" + to));
    }

    private void press(int sequence) {
        controller.press(new ButtonPress(T0, sequence));
    }

    @Test
    void aPressRingsOwnersAndChimes() {
        press(1);
        assertEquals(1, chimes.get());
        assertEquals(RingState.RINGING, controller.snapshot().state());
        assertEquals(List.of(new Ring("front-door", "r1", T0, T0.plus(TIMEOUT), 1)), published);
        assertEquals(LedPattern.BLINK_SLOW, led.getLast());
        assertEquals(List.of(TIMEOUT), timers.delays);
    }

    @Test
    void answerEndsTheRingForEveryoneAndNamesTheOwner() {
        press(1);
        controller.ownerMessage("alice", new RingAnswer("front-door", "r1", T0));
        assertEquals(new RingEnded("front-door", "r1", T0, RingEnded.Outcome.ANSWERED, Optional.of("alice")), published.getLast());
        assertEquals(List.of("IDLE->RINGING", "RINGING->ANSWERED", "ANSWERED->IDLE"), transitions);
        assertEquals(RingState.IDLE, controller.snapshot().state());
        assertEquals("alice", controller.snapshot().lastEnded().orElseThrow().by().orElseThrow());
        assertTrue(timers.cancelled.get(0), "the ring timeout is cancelled once answered");
    }

    @Test
    void aSecondOwnerAnsweringTheSameRingIsIgnored() {
        press(1);
        controller.ownerMessage("alice", new RingAnswer("front-door", "r1", T0));
        controller.ownerMessage("bob", new RingAnswer("front-door", "r1", T0));
        assertEquals(2, published.size());
        assertEquals(List.of("IDLE->RINGING", "RINGING->ANSWERED", "ANSWERED->IDLE"), transitions);
    }

    @Test
    void declineEndsTheRing() {
        press(1);
        controller.ownerMessage("bob", new RingDecline("front-door", "r1", T0));
        RingEnded ended = (RingEnded) published.getLast();
        assertEquals(RingEnded.Outcome.DECLINED, ended.outcome());
        assertEquals(Optional.of("bob"), ended.by());
        assertEquals(List.of("IDLE->RINGING", "RINGING->DECLINED", "DECLINED->IDLE"), transitions);
    }

    @Test
    void unansweredRingTimesOut() {
        press(1);
        timers.fireAll();
        RingEnded ended = (RingEnded) published.getLast();
        assertEquals(RingEnded.Outcome.TIMED_OUT, ended.outcome());
        assertEquals(Optional.empty(), ended.by());
        assertEquals(List.of("IDLE->RINGING", "RINGING->TIMED_OUT", "TIMED_OUT->IDLE"), transitions);
    }

    @Test
    void aStaleTimeoutDoesNotEndTheNextRing() {
        press(1);
        controller.ownerMessage("alice", new RingAnswer("front-door", "r1", T0));
        press(2);
        timers.fire(0); // the first ring's timer, had it not been cancelled
        assertEquals(RingState.RINGING, controller.snapshot().state());
        assertEquals(Optional.of("r2"), controller.snapshot().ringId());
    }

    @Test
    void pressingAgainWhileRingingChimesAndReNotifiesTheSameRing() {
        press(1);
        press(2);
        assertEquals(2, chimes.get());
        assertEquals(new Ring("front-door", "r1", T0, T0.plus(TIMEOUT), 2), published.getLast());
        assertEquals(List.of("IDLE->RINGING"), transitions, "no new ring starts");
        assertEquals(1, timers.delays.size(), "the timeout is not extended");
    }

    @Test
    void answersForAnotherRingAreIgnored() {
        press(1);
        controller.ownerMessage("alice", new RingAnswer("front-door", "r-old", T0));
        assertEquals(RingState.RINGING, controller.snapshot().state());
        assertEquals(1, published.size());
    }

    @Test
    void answersWhileIdleAreIgnored() {
        controller.ownerMessage("alice", new RingAnswer("front-door", "r1", T0));
        assertEquals(RingState.IDLE, controller.snapshot().state());
        assertTrue(published.isEmpty());
    }

    @Test
    void onlyAnswerAndDeclineComeFromOwners() {
        press(1);
        controller.ownerMessage("mallory", new Presence("front-door", Presence.State.OFFLINE, T0));
        assertEquals(RingState.RINGING, controller.snapshot().state());
    }

    @Test
    void theChimeSoundsEvenWhenOwnersCannotBeTold() {
        RingController broken = new RingController("front-door", TIMEOUT, Clock.fixed(T0, ZoneOffset.UTC), Runnable::run,
                timers, chimes::incrementAndGet, led::add, new RingSignals() {
                    @Override
                    public void ringStarted(Ring ring) {
                        throw new IllegalStateException("broker gone");
                    }

                    @Override
                    public void ringEnded(RingEnded ended) {
                        throw new IllegalStateException("broker gone");
                    }
                }, () -> "r1");
        broken.press(new ButtonPress(T0, 1));
        assertEquals(1, chimes.get());
        assertEquals(RingState.RINGING, broken.snapshot().state());
        broken.ownerMessage("alice", new RingAnswer("front-door", "r1", T0));
        assertEquals(RingState.IDLE, broken.snapshot().state());
    }

    @Test
    void ledShowsBrokerState() {
        controller.brokerConnection(false);
        assertEquals(LedPattern.BLINK_FAST, led.getLast());
        controller.brokerConnection(true);
        assertEquals(LedPattern.ON, led.getLast());
    }

    @Test
    void ledShowsTheCameraIsWatchedWhateverTheBrokerButARingBlinksOverIt() {
        controller.brokerConnection(true);
        controller.watched(true);
        assertEquals(LedPattern.WATCHED, led.getLast());
        controller.brokerConnection(false);
        assertEquals(LedPattern.WATCHED, led.getLast(), "the camera is watched even without the broker (media is peer to peer)");
        controller.brokerConnection(true);
        press(1);
        assertEquals(LedPattern.BLINK_SLOW, led.getLast());
        controller.ownerMessage("alice", new RingAnswer("front-door", controller.snapshot().ringId().orElseThrow(), T0));
        assertEquals(LedPattern.WATCHED, led.getLast());
        controller.watched(false);
        assertEquals(LedPattern.ON, led.getLast());
    }

    @Test
    void theDiagramAllowsOnlyItsTransitions() {
        assertTrue(RingState.IDLE.canMoveTo(RingState.RINGING));
        assertFalse(RingState.IDLE.canMoveTo(RingState.ANSWERED));
        assertFalse(RingState.RINGING.canMoveTo(RingState.IDLE));
        assertFalse(RingState.ANSWERED.canMoveTo(RingState.RINGING));
        for (RingState s : RingState.values()) {
            assertFalse(s.next().isEmpty(), s + " must lead somewhere");
        }
        assertThrows(NullPointerException.class, () -> new RingController(null, TIMEOUT, Clock.systemUTC(), Runnable::run,
                timers, () -> { }, p -> { }, null, () -> "r"));
    }

    /** Timers fired by the test. */
    static final class ManualTimers implements Timers {
        final List<Duration> delays = new ArrayList<>();
        final List<Runnable> tasks = new ArrayList<>();
        final List<Boolean> cancelled = new ArrayList<>();

        @Override
        public Runnable schedule(Duration delay, Runnable task) {
            int index = tasks.size();
            delays.add(delay);
            tasks.add(task);
            cancelled.add(false);
            return () -> cancelled.set(index, true);
        }

        void fire(int index) {
            tasks.get(index).run();
        }

        void fireAll() {
            for (int i = 0; i < tasks.size(); i++) {
                if (!cancelled.get(i)) {
                    tasks.get(i).run();
                }
            }
        }
    }
}
