package org.openbell.hardware;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns raw button edges into accepted presses: our own debounce and re-ring lockout (Pi4J's
 * debounce is not used). Not thread-safe: feed it from one thread, which its scheduler also runs on.
 *
 * <ul>
 *   <li><b>Debounce</b>: a press counts once the input has stayed active for {@code debounce}
 *       after its last active edge; a glitch shorter than that is dropped. Bounces inside one
 *       press (edges less than {@code debounce} apart) belong to that press, which is dated by
 *       its first edge.</li>
 *   <li><b>Lockout</b>: a press that starts within {@code lockout} of the previous accepted
 *       press's start is ignored.</li>
 * </ul>
 */
final class PressDetector {

    /** Runs a task later on the detector's thread; returns a handle that cancels it. */
    interface Scheduler {
        Runnable schedule(Duration delay, Runnable task);
    }

    private static final Logger log = LoggerFactory.getLogger(PressDetector.class);

    private final long debounceNanos;
    private final long lockoutNanos;
    private final Scheduler scheduler;
    private final Consumer<ButtonPress> presses;

    private boolean active;
    private long lastInactiveNanos = Long.MIN_VALUE;
    private long pressStartNanos;
    private Instant pressStartAt;
    private boolean pressPending;
    private Runnable cancelCheck = () -> { };
    private int check;
    private long lastAcceptedStartNanos;
    private boolean anyAccepted;
    private long sequence;

    PressDetector(Duration debounce, Duration lockout, Scheduler scheduler, Consumer<ButtonPress> presses) {
        this.debounceNanos = debounce.toNanos();
        this.lockoutNanos = lockout.toNanos();
        this.scheduler = Objects.requireNonNull(scheduler);
        this.presses = Objects.requireNonNull(presses);
    }

    /**
     * An edge of the input.
     *
     * @param nowActive whether the button now reads pressed
     * @param nanos     monotonic time of the edge ({@link System#nanoTime()})
     * @param at        wall-clock time of the edge
     */
    void edge(boolean nowActive, long nanos, Instant at) {
        if (nowActive == active) {
            return;
        }
        active = nowActive;
        cancelCheck.run();
        if (!nowActive) {
            lastInactiveNanos = nanos;
            return;
        }
        boolean continuesBouncingPress = pressPending && nanos - lastInactiveNanos < debounceNanos;
        if (!continuesBouncingPress) {
            pressStartNanos = nanos;
            pressStartAt = at;
            pressPending = true;
        }
        int thisCheck = ++check;
        cancelCheck = scheduler.schedule(Duration.ofNanos(debounceNanos), () -> stable(thisCheck));
    }

    private void stable(int whichCheck) {
        if (whichCheck != check || !active || !pressPending) {
            return;
        }
        pressPending = false;
        if (anyAccepted && pressStartNanos - lastAcceptedStartNanos < lockoutNanos) {
            // Said at INFO: a press that rings nothing must never pass without a line (issue 11).
            log.info("Press ignored: it began {} ms after the previous accepted press, within the {} ms lockout",
                    (pressStartNanos - lastAcceptedStartNanos) / 1_000_000, lockoutNanos / 1_000_000);
            return;
        }
        anyAccepted = true;
        lastAcceptedStartNanos = pressStartNanos;
        presses.accept(new ButtonPress(pressStartAt, ++sequence));
    }
}
