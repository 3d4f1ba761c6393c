package org.openbell.agent.ring;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.openbell.hardware.ButtonPress;
import org.openbell.hardware.Chime;
import org.openbell.hardware.LedPattern;
import org.openbell.hardware.StatusLed;
import org.openbell.signaling.Message;
import org.openbell.signaling.Ring;
import org.openbell.signaling.RingAnswer;
import org.openbell.signaling.RingDecline;
import org.openbell.signaling.RingEnded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ring state machine ({@link RingState}). It is the one owner of ring state: every input is
 * handed to its executor (a single thread), so no locks are needed and events are handled in
 * the order they happened. Inputs come from the button, from owners (over MQTT) and from the
 * broker connection; outputs go to the chime, the LED and {@link RingSignals}.
 *
 * <p>The chime sounds on every accepted press, before anything else and whatever the broker
 * does: a visitor must always hear that the button worked.
 */
public final class RingController {

    private static final Logger log = LoggerFactory.getLogger(RingController.class);

    private final String deviceId;
    private final Duration timeout;
    private final Clock clock;
    private final Executor loop;
    private final Timers timers;
    private final Chime chime;
    private final StatusLed led;
    private final RingSignals signals;
    private final Supplier<String> ringIds;
    private final List<RingListener> listeners = new CopyOnWriteArrayList<>();

    // State below is touched only on the loop thread.
    private RingState state = RingState.IDLE;
    private String ringId;
    private Instant ringAt;
    private boolean watched;
    private int presses;
    private Runnable cancelTimeout = () -> { };
    private RingEnded lastEnded;
    private boolean brokerConnected;
    private volatile RingSnapshot snapshot = RingSnapshot.idle();
    /** When the last ring-ended went out: a stale answer soon after crossed it and needs no repeat. */
    private long lastEndedRepeatedAt;
    private static final Duration REPEAT_ENDED_AFTER = Duration.ofSeconds(2);

    public RingController(String deviceId, Duration timeout, Clock clock, Executor loop, Timers timers,
            Chime chime, StatusLed led, RingSignals signals, Supplier<String> ringIds) {
        this.deviceId = Objects.requireNonNull(deviceId);
        this.timeout = Objects.requireNonNull(timeout);
        this.clock = Objects.requireNonNull(clock);
        this.loop = Objects.requireNonNull(loop);
        this.timers = Objects.requireNonNull(timers);
        this.chime = Objects.requireNonNull(chime);
        this.led = Objects.requireNonNull(led);
        this.signals = Objects.requireNonNull(signals);
        this.ringIds = Objects.requireNonNull(ringIds);
    }

    public void addListener(RingListener listener) {
        listeners.add(listener);
    }

    /** The current state, readable from any thread. */
    public RingSnapshot snapshot() {
        return snapshot;
    }

    /** An accepted button press (after debounce and lockout). Called on the hardware thread. */
    public void press(ButtonPress press) {
        try {
            chime.ring();
        } catch (RuntimeException e) {
            log.error("Chime failed for press #{}: {}", press.sequence(), e.toString(), e);
        }
        loop.execute(() -> onPress(press));
    }

    /** A message from owner {@code ownerId}: already decoded and checked to be for this doorbell. */
    public void ownerMessage(String ownerId, Message message) {
        loop.execute(() -> onOwnerMessage(ownerId, message));
    }

    /**
     * A ring was still ringing when the previous agent process died (SIGKILL, power cut): it is
     * over, and owners whose phones still ring for it are told so ({@code timed-out}).
     */
    public void interruptedBeforeStart(String interruptedRing) {
        loop.execute(() -> {
            lastEnded = new RingEnded(deviceId, interruptedRing, clock.instant(), RingEnded.Outcome.TIMED_OUT, Optional.empty());
            lastEndedRepeatedAt = System.nanoTime();
            log.info("Ring {} was interrupted by a restart: ended as timed-out", interruptedRing);
            updateSnapshot();
            try {
                signals.ringEnded(lastEnded);
            } catch (RuntimeException e) {
                log.warn("Could not tell owners that ring {} ended: {}", interruptedRing, e.toString());
            }
        });
    }

    /** The broker connection came up or went down (drives the LED). */
    public void brokerConnection(boolean connected) {
        loop.execute(() -> {
            brokerConnected = connected;
            showLed();
        });
    }

    private void onPress(ButtonPress press) {
        switch (state) {
            case IDLE -> {
                ringId = ringIds.get();
                // The ring's times are on this controller's clock (the one its messages carry), dated by
                // the button's first edge (the board stamps it with the system clock; the debounce
                // since then is subtracted). Its timeout runs on the timers' monotonic clock: a clock
                // step neither ends it early nor late.
                Duration sinceEdge = Duration.between(press.at(), Instant.now());
                if (sinceEdge.isNegative() || sinceEdge.compareTo(Duration.ofSeconds(5)) > 0) {
                    sinceEdge = Duration.ZERO; // the system clock stepped meanwhile
                }
                ringAt = clock.instant().minus(sinceEdge);
                presses = 1;
                transition(RingState.RINGING, "button press #" + press.sequence());
                String thisRing = ringId;
                cancelTimeout = timers.schedule(timeout, () -> onTimeout(thisRing));
                publishRing();
            }
            case RINGING -> {
                presses++;
                log.info("Pressed again while ringing: ring {} now has {} presses", ringId, presses);
                updateSnapshot();
                publishRing();
            }
            default -> log.warn("Press #{} while {}: chimed, no ring started", press.sequence(), state);
        }
    }

    private void onOwnerMessage(String ownerId, Message message) {
        String messageRing = switch (message) {
            case RingAnswer answer -> answer.ringId();
            case RingDecline decline -> decline.ringId();
            default -> null;
        };
        if (messageRing == null) {
            log.warn("Rejected {} from owner {}: owners may only send ring-answer or ring-decline", message.type(), ownerId);
            return;
        }
        if (state != RingState.RINGING || !messageRing.equals(ringId)) {
            log.info("Ignored {} from owner {} for stale ring {} (now {}{})", message.type(), ownerId, messageRing, state,
                    ringId == null ? "" : ", ring " + ringId);
            if (lastEnded != null && lastEnded.ringId().equals(messageRing)
                    && System.nanoTime() - lastEndedRepeatedAt > REPEAT_ENDED_AFTER.toNanos()) {
                // A phone acting on a ring that is over missed its ring-ended (or the doorbell
                // restarted since): say again how it ended, at most every 2 s.
                lastEndedRepeatedAt = System.nanoTime();
                try {
                    signals.ringEnded(lastEnded);
                } catch (RuntimeException e) {
                    log.warn("Could not repeat ring-ended {}: {}", lastEnded.ringId(), e.toString());
                }
            }
            return;
        }
        boolean answered = message instanceof RingAnswer;
        end(answered ? RingState.ANSWERED : RingState.DECLINED,
                answered ? RingEnded.Outcome.ANSWERED : RingEnded.Outcome.DECLINED, Optional.of(ownerId));
    }

    private void onTimeout(String timedOutRing) {
        if (state == RingState.RINGING && timedOutRing.equals(ringId)) {
            end(RingState.TIMED_OUT, RingEnded.Outcome.TIMED_OUT, Optional.empty());
        }
    }

    private void end(RingState outcomeState, RingEnded.Outcome outcome, Optional<String> by) {
        cancelTimeout.run();
        RingEnded ended = new RingEnded(deviceId, ringId, clock.instant(), outcome, by);
        lastEnded = ended;
        lastEndedRepeatedAt = System.nanoTime();
        transition(outcomeState, by.map(owner -> "by owner " + owner).orElse("nobody answered within " + timeout.toSeconds() + " s"));
        try {
            signals.ringEnded(ended);
        } catch (RuntimeException e) {
            log.error("Could not tell owners that ring {} ended: {}", ended.ringId(), e.toString(), e);
        }
        ringId = null;
        ringAt = null;
        presses = 0;
        transition(RingState.IDLE, "ring over");
    }

    private void publishRing() {
        Ring ring = new Ring(deviceId, ringId, ringAt, ringAt.plus(timeout), presses);
        try {
            signals.ringStarted(ring);
        } catch (RuntimeException e) {
            log.error("Could not notify owners of ring {}: {}", ring.ringId(), e.toString(), e);
        }
    }

    /** The one place where the state changes: checks the diagram, logs, updates the LED, notifies. */
    private void transition(RingState to, String why) {
        RingState from = state;
        if (!from.canMoveTo(to)) {
            throw new IllegalStateException("ring state " + from + " -> " + to + " is not allowed");
        }
        state = to;
        log.info("Ring {}: {} -> {} ({})", ringId, from, to, why);
        updateSnapshot();
        showLed();
        for (RingListener listener : listeners) {
            try {
                listener.onTransition(from, to, snapshot);
            } catch (RuntimeException e) {
                log.warn("Ring listener failed on {} -> {}: {}", from, to, e.toString(), e);
            }
        }
    }

    private void updateSnapshot() {
        snapshot = new RingSnapshot(state, Optional.ofNullable(ringId), presses, Optional.ofNullable(lastEnded),
                Optional.ofNullable(ringAt));
    }

    /**
     * Whether the camera is being watched (a call or a live view is on): the LED says so (unless a
     * ring is blinking), whatever the broker connection. Called on the controller's thread.
     */
    public void watched(boolean on) {
        loop.execute(() -> {
            watched = on;
            showLed();
        });
    }

    private void showLed() {
        LedPattern pattern = state == RingState.RINGING ? LedPattern.BLINK_SLOW
                : watched ? LedPattern.WATCHED : brokerConnected ? LedPattern.ON : LedPattern.BLINK_FAST;
        try {
            led.show(pattern);
        } catch (RuntimeException e) {
            log.warn("LED failed: {}", e.toString());
        }
    }
}
