package org.openbell.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PressDetectorTest {

    private static final Duration DEBOUNCE = Duration.ofMillis(15);
    private static final Duration LOCKOUT = Duration.ofSeconds(2);
    private static final Instant T0 = Instant.parse("2026-11-24T18:00:00Z");

    private final FakeTime time = new FakeTime();
    private final List<ButtonPress> presses = new ArrayList<>();

    private PressDetector detector(Duration lockout) {
        return new PressDetector(DEBOUNCE, lockout, time::schedule, presses::add);
    }

    private void edge(PressDetector d, boolean active, long atMillis) {
        time.advanceTo(atMillis);
        d.edge(active, time.nanos, T0.plusMillis(atMillis));
    }

    @Test
    void aCleanPressIsAcceptedOnceDatedByItsFirstEdge() {
        PressDetector d = detector(LOCKOUT);
        edge(d, true, 100);
        time.advanceTo(114);
        assertTrue(presses.isEmpty(), "not before the debounce time");
        time.advanceTo(116);
        assertEquals(List.of(new ButtonPress(T0.plusMillis(100), 1)), presses);
        edge(d, false, 200);
        time.advanceTo(1000);
        assertEquals(1, presses.size());
    }

    @Test
    void contactBounceGivesOnePressDatedByTheFirstEdge() {
        PressDetector d = detector(LOCKOUT);
        edge(d, true, 100);
        edge(d, false, 102);
        edge(d, true, 104);
        edge(d, false, 107);
        edge(d, true, 109);
        time.advanceTo(200);
        assertEquals(List.of(new ButtonPress(T0.plusMillis(100), 1)), presses);
    }

    @Test
    void aGlitchShorterThanTheDebounceIsDropped() {
        PressDetector d = detector(LOCKOUT);
        edge(d, true, 100);
        edge(d, false, 105);
        time.advanceTo(500);
        assertTrue(presses.isEmpty());
    }

    @Test
    void theLockoutSuppressesAQuickSecondPressButNotALaterOne() {
        PressDetector d = detector(LOCKOUT);
        edge(d, true, 0);
        edge(d, false, 100);
        edge(d, true, 1000);
        edge(d, false, 1100);
        edge(d, true, 2500);
        edge(d, false, 2600);
        time.advanceTo(3000);
        assertEquals(List.of(new ButtonPress(T0, 1), new ButtonPress(T0.plusMillis(2500), 2)), presses);
    }

    @Test
    void zeroLockoutAcceptsEveryCleanPress() {
        PressDetector d = detector(Duration.ZERO);
        for (int i = 0; i < 5; i++) {
            edge(d, true, i * 100L);
            edge(d, false, i * 100L + 50);
        }
        time.advanceTo(1000);
        assertEquals(5, presses.size());
        assertEquals(5, presses.getLast().sequence());
    }

    @Test
    void repeatedSameLevelReportsAreIgnored() {
        PressDetector d = detector(LOCKOUT);
        edge(d, false, 0);
        edge(d, true, 10);
        edge(d, true, 20);
        time.advanceTo(100);
        assertEquals(List.of(new ButtonPress(T0.plusMillis(10), 1)), presses);
    }

    /** A manual clock and scheduler: tasks run when the test advances time past them. */
    static final class FakeTime {
        long nanos;
        final List<long[]> due = new ArrayList<>();
        final List<Runnable> tasks = new ArrayList<>();
        final List<Boolean> cancelled = new ArrayList<>();

        Runnable schedule(Duration delay, Runnable task) {
            int index = tasks.size();
            due.add(new long[] {nanos + delay.toNanos()});
            tasks.add(task);
            cancelled.add(false);
            return () -> cancelled.set(index, true);
        }

        void advanceTo(long millis) {
            long target = millis * 1_000_000;
            for (int i = 0; i < tasks.size(); i++) {
                if (!cancelled.get(i) && due.get(i)[0] <= target) {
                    cancelled.set(i, true);
                    nanos = Math.max(nanos, due.get(i)[0]);
                    tasks.get(i).run();
                }
            }
            nanos = Math.max(nanos, target);
        }
    }
}
