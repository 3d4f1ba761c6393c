package org.openbell.hardware;

import static org.junit.jupiter.api.Assertions.assertThrows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The board code on Pi4J's mock platform: edges through the real listener, debounce, lockout and outputs. */
class SimulatedBoardTest {

    private static HardwareConfig config(boolean activeLow, Duration lockout) {
        return new HardwareConfig(HardwareConfig.Mode.SIMULATED, 17, activeLow ? HardwareConfig.Pull.UP : HardwareConfig.Pull.DOWN,
                activeLow, Duration.ofMillis(10), lockout, 27, true, Duration.ofMillis(150), 22, true);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aSimulatedPressDeliversExactlyOnePress() throws Exception {
        try (Board board = Boards.open(config(true, Duration.ofMillis(500)))) {
            SimulatedBoard simulated = assertInstanceOf(SimulatedBoard.class, board);
            BlockingQueue<ButtonPress> presses = new LinkedBlockingQueue<>();
            board.button().setListener(presses::add);
            Instant before = Instant.now();
            simulated.press();
            ButtonPress press = presses.poll(5, TimeUnit.SECONDS);
            assertEquals(1, press.sequence());
            assertFalse(press.at().isBefore(before));
            assertEquals(null, presses.poll(300, TimeUnit.MILLISECONDS), "one press, not two");
            assertTrue(board.description().contains("simulated"));
        }
    }

    /**
     * Issue 11, defect 7: a simulated press made while the previous one was still held (two
     * requests under 80 ms apart) vanished: no edge, no ring, no log line. Now it follows the first.
     */
    @Test
    void twoSimulatedPressesInQuickSuccessionAreTwoPresses() throws Exception {
        try (Board board = Boards.open(config(true, Duration.ZERO))) {
            SimulatedBoard simulated = (SimulatedBoard) board;
            BlockingQueue<ButtonPress> presses = new LinkedBlockingQueue<>();
            board.button().setListener(presses::add);
            simulated.press();
            Thread.sleep(10);
            simulated.press();
            assertEquals(1, presses.poll(5, TimeUnit.SECONDS).sequence());
            assertEquals(2, presses.poll(5, TimeUnit.SECONDS).sequence(), "the second press was not lost");
        }
    }

    @Test
    void bouncingMockEdgesThroughTheRealListenerGiveOnePress() throws Exception {
        for (boolean activeLow : new boolean[] {true, false}) {
            try (MockGpioBoard board = (MockGpioBoard) Boards.open(config(activeLow, Duration.ZERO))) {
                BlockingQueue<ButtonPress> presses = new LinkedBlockingQueue<>();
                board.button().setListener(presses::add);
                DigitalState down = activeLow ? DigitalState.LOW : DigitalState.HIGH;
                DigitalState up = activeLow ? DigitalState.HIGH : DigitalState.LOW;
                board.mockInput().mockState(down).mockState(up).mockState(down).mockState(up).mockState(down);
                assertEquals(1, presses.poll(5, TimeUnit.SECONDS).sequence(), "activeLow=" + activeLow);
                board.mockInput().mockState(up);
                assertEquals(null, presses.poll(200, TimeUnit.MILLISECONDS));
            }
        }
    }

    @Test
    void aGlitchIsNotAPress() throws Exception {
        try (MockGpioBoard board = (MockGpioBoard) Boards.open(config(true, Duration.ZERO))) {
            BlockingQueue<ButtonPress> presses = new LinkedBlockingQueue<>();
            board.button().setListener(presses::add);
            board.mockInput().mockState(DigitalState.LOW).mockState(DigitalState.HIGH);
            assertEquals(null, presses.poll(300, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void theLockoutHoldsOffAQuickSecondPress() throws Exception {
        try (Board board = Boards.open(config(true, Duration.ofSeconds(10)))) {
            BlockingQueue<ButtonPress> presses = new LinkedBlockingQueue<>();
            board.button().setListener(presses::add);
            ((SimulatedBoard) board).press();
            assertEquals(1, presses.poll(5, TimeUnit.SECONDS).sequence());
            Thread.sleep(200);
            ((SimulatedBoard) board).press();
            assertEquals(null, presses.poll(400, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void aThrowingListenerDoesNotStopTheBoard() throws Exception {
        try (Board board = Boards.open(config(true, Duration.ZERO))) {
            BlockingQueue<ButtonPress> presses = new LinkedBlockingQueue<>();
            board.button().setListener(p -> {
                presses.add(p);
                throw new IllegalStateException("listener bug");
            });
            ((SimulatedBoard) board).press();
            assertEquals(1, presses.poll(5, TimeUnit.SECONDS).sequence());
            Thread.sleep(150);
            ((SimulatedBoard) board).press();
            assertEquals(2, presses.poll(5, TimeUnit.SECONDS).sequence());
        }
    }

    @Test
    void theChimePulsesItsOutputForTheConfiguredDuration() throws Exception {
        try (MockGpioBoard board = (MockGpioBoard) Boards.open(config(true, Duration.ZERO))) {
            DigitalOutput chime = output(board, "chime");
            assertEquals(DigitalState.LOW, chime.state());
            board.chime().ring();
            await(() -> chime.state() == DigitalState.HIGH, "chime on");
            await(() -> chime.state() == DigitalState.LOW, "chime off after its duration");
        }
    }

    @Test
    void theLedShowsSteadyAndBlinkingPatterns() throws Exception {
        try (MockGpioBoard board = (MockGpioBoard) Boards.open(config(true, Duration.ZERO))) {
            DigitalOutput led = output(board, "led");
            board.statusLed().show(LedPattern.ON);
            await(() -> led.state() == DigitalState.HIGH, "led on");
            board.statusLed().show(LedPattern.BLINK_FAST);
            await(() -> led.state() == DigitalState.LOW, "blink off phase");
            await(() -> led.state() == DigitalState.HIGH, "blink on phase");
            board.statusLed().show(LedPattern.OFF);
            await(() -> led.state() == DigitalState.LOW, "led off");
        }
    }

    @Test
    void closingLeavesNoBoardThreads() throws Exception {
        Board board = Boards.open(config(true, Duration.ZERO));
        board.chime().ring();
        board.statusLed().show(LedPattern.BLINK_SLOW);
        board.close();
        await(() -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("openbell-hw")),
                "openbell-hw to end");
        List<Thread> nonDaemon = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.isDaemon() && t.isAlive() && t.getName().toLowerCase().contains("pi4j")).toList();
        assertEquals(List.of(), nonDaemon, "no Pi4J thread keeps the JVM alive");
    }

    /**
     * Issue 15, the door strike: the relay's pin is energised for the configured pulse only (a
     * second open during it does not lengthen it), starts off, and is off after the board closes;
     * a board started again (the agent restarted after a crash mid-pulse) drives it off at once.
     */
    @Test
    void theDoorStrikeIsEnergisedForItsPulseOnlyAndStartsOff() throws Exception {
        HardwareConfig c = config(true, Duration.ZERO);
        HardwareConfig withStrike = new HardwareConfig(c.mode(), c.buttonPin(), c.buttonPull(), c.buttonActiveLow(), c.debounce(),
                c.lockout(), c.chimePin(), c.chimeActiveHigh(), c.chimeDuration(), c.ledPin(), c.ledActiveHigh(),
                java.util.Optional.of(new HardwareConfig.Strike(23, true, Duration.ofMillis(600))));
        try (Board board = Boards.open(withStrike)) {
            MockGpioBoard mock = assertInstanceOf(MockGpioBoard.class, board);
            assertEquals(DigitalState.LOW, output(mock, "strike").state(), "off at start");
            DoorStrike strike = board.doorStrike().orElseThrow();
            long t0 = System.nanoTime();
            strike.open();
            await(() -> output(mock, "strike").state() == DigitalState.HIGH, "the strike to be energised");
            Thread.sleep(300);
            strike.open(); // during the pulse: ignored, the pulse is not lengthened
            await(() -> output(mock, "strike").state() == DigitalState.LOW, "the strike to be released");
            long pulseMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(pulseMs >= 600 && pulseMs < 1100, "one 600 ms pulse, not two: " + pulseMs + " ms");
            assertFalse(strike.energised());
            strike.open();
            await(() -> output(mock, "strike").state() == DigitalState.HIGH, "energised again");
        } // closed mid-pulse
        try (Board again = Boards.open(withStrike)) {
            assertEquals(DigitalState.LOW, output((MockGpioBoard) again, "strike").state(), "a restart starts with the strike off");
        }
        try (Board none = Boards.open(c)) {
            assertTrue(none.doorStrike().isEmpty(), "no strike unless one is wired");
        }
        assertThrows(IllegalArgumentException.class, () -> new HardwareConfig.Strike(23, true, Duration.ofSeconds(60)),
                "never a long pulse");
        assertThrows(IllegalArgumentException.class, () -> new HardwareConfig(c.mode(), c.buttonPin(), c.buttonPull(), c.buttonActiveLow(),
                c.debounce(), c.lockout(), c.chimePin(), c.chimeActiveHigh(), c.chimeDuration(), c.ledPin(), c.ledActiveHigh(),
                java.util.Optional.of(new HardwareConfig.Strike(27, true, Duration.ofSeconds(3)))), "not the chime's pin");
    }

    /** Issue 15, PIR: chatter shorter than the debounce is no motion; steady activity is one motion, ended after the hold. */
    @Test
    void thePirsChatterIsDroppedAndMotionEndsAfterItsHold() throws Exception {
        HardwareConfig c = config(true, Duration.ZERO);
        HardwareConfig withPir = new HardwareConfig(c.mode(), c.buttonPin(), c.buttonPull(), c.buttonActiveLow(), c.debounce(),
                c.lockout(), c.chimePin(), c.chimeActiveHigh(), c.chimeDuration(), c.ledPin(), c.ledActiveHigh(), java.util.Optional.empty(),
                java.util.Optional.of(new HardwareConfig.Pir(24, HardwareConfig.Pull.DOWN, true, Duration.ofMillis(100), Duration.ofSeconds(1))));
        try (Board board = Boards.open(withPir)) {
            MockGpioBoard mock = (MockGpioBoard) board;
            List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            board.motionSensor().orElseThrow().setListener(moving -> seen.add(moving ? "start" : "end"));
            for (int i = 0; i < 10; i++) { // chatter: 20 ms on, 20 ms off
                mock.mockPir().mockState(DigitalState.HIGH);
                Thread.sleep(20);
                mock.mockPir().mockState(DigitalState.LOW);
                Thread.sleep(20);
            }
            Thread.sleep(200);
            assertEquals(List.of(), seen, "chatter is not motion");
            long t0 = System.nanoTime();
            ((SimulatedBoard) board).motion(Duration.ofMillis(400));
            await(() -> seen.equals(List.of("start")), "motion to start");
            ((SimulatedBoard) board).motion(Duration.ofMillis(300)); // seen again within the hold: the same motion
            await(() -> seen.size() == 2, "motion to end");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(List.of("start", "end"), seen);
            assertTrue(ms >= 1300, "ended a hold after the last activity: " + ms + " ms");
        }
        try (Board none = Boards.open(c)) {
            assertTrue(none.motionSensor().isEmpty());
        }
    }

    private static DigitalOutput output(MockGpioBoard board, String id) {
        return board.outputForTest(id);
    }
}
