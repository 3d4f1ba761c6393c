package org.openbell.hardware;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A board on a Pi4J context: real GPIO providers on a Pi, the mock providers in simulation
 * (same code path). Everything the board does runs on its one daemon thread, {@code openbell-hw}:
 * edges are stamped when Pi4J reports them, then debounced there; chime pulses and LED blinks
 * are timed there; the press listener is called there.
 */
class GpioBoard implements Board {

    private static final Logger log = LoggerFactory.getLogger(GpioBoard.class);

    private final Context pi4j;
    private final HardwareConfig config;
    private final String description;
    private final ScheduledExecutorService thread;
    private final Clock clock = Clock.systemUTC();
    protected final DigitalInput buttonInput;
    private final DigitalOutput chimeOutput;
    private final DigitalOutput ledOutput;
    /** The door strike's relay (null when none is wired). */
    private final DigitalOutput strikeOutput;
    private volatile boolean strikeOn;
    /** The PIR sensor's input (null when none is wired). */
    protected final DigitalInput pirInput;
    private volatile java.util.function.Consumer<Boolean> motionListener = moving -> { };
    private final PressDetector detector;
    private volatile PressListener listener = press -> log.info("Press #{} with no listener yet", press.sequence());
    private ScheduledFuture<?> chimeOff;
    private ScheduledFuture<?> blinker;
    private LedPattern pattern;
    private boolean ledLit;

    GpioBoard(Context pi4j, HardwareConfig config, String inputProvider, String outputProvider, String description) {
        this.pi4j = pi4j;
        this.config = config;
        this.description = description;
        this.thread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("openbell-hw").factory());
        this.detector = new PressDetector(config.debounce(), config.lockout(), this::schedule, this::deliver);
        this.buttonInput = pi4j.create(DigitalInput.newConfigBuilder(pi4j)
                .id("button").name("Doorbell button").address(config.buttonPin())
                .pull(resistance(config.buttonPull()))
                .debounce(0L)
                .provider(inputProvider));
        this.chimeOutput = pi4j.create(DigitalOutput.newConfigBuilder(pi4j)
                .id("chime").name("Chime").address(config.chimePin())
                .initial(level(false, config.chimeActiveHigh()))
                .shutdown(level(false, config.chimeActiveHigh()))
                .provider(outputProvider));
        this.ledOutput = pi4j.create(DigitalOutput.newConfigBuilder(pi4j)
                .id("led").name("Status LED").address(config.ledPin())
                .initial(level(false, config.ledActiveHigh()))
                .shutdown(level(false, config.ledActiveHigh()))
                .provider(outputProvider));
        // The strike starts off, and Pi4J drives it off on shutdown; after a crash, the next start drives it off at once.
        this.strikeOutput = config.strike().map(strike -> pi4j.create(DigitalOutput.newConfigBuilder(pi4j)
                .id("strike").name("Door strike").address(strike.pin())
                .initial(level(false, strike.activeHigh()))
                .shutdown(level(false, strike.activeHigh()))
                .provider(outputProvider))).orElse(null);
        this.pirInput = config.pir().map(pir -> pi4j.create(DigitalInput.newConfigBuilder(pi4j)
                .id("pir").name("Motion sensor").address(pir.pin())
                .pull(resistance(pir.pull()))
                .debounce(0L)
                .provider(inputProvider))).orElse(null);
        if (pirInput != null) {
            HardwareConfig.Pir pir = config.pir().orElseThrow();
            MotionDetector motion = new MotionDetector(pir.debounce(), pir.hold(), this::schedule, moving -> {
                try {
                    motionListener.accept(moving);
                } catch (RuntimeException e) {
                    log.error("Motion listener failed: {}", e.toString(), e);
                }
            });
            pirInput.addListener(event -> {
                boolean active = (event.state() == DigitalState.HIGH) == pir.activeHigh();
                thread.execute(() -> motion.edge(active));
            });
        }
        buttonInput.addListener(event -> {
            long nanos = System.nanoTime();
            var at = clock.instant();
            boolean active = isActive(event.state());
            thread.execute(() -> detector.edge(active, nanos, at));
        });
    }

    private static PullResistance resistance(HardwareConfig.Pull pull) {
        return switch (pull) {
            case UP -> PullResistance.PULL_UP;
            case DOWN -> PullResistance.PULL_DOWN;
            case OFF -> PullResistance.OFF;
        };
    }

    private boolean isActive(DigitalState state) {
        return config.buttonActiveLow() ? state == DigitalState.LOW : state == DigitalState.HIGH;
    }

    private static DigitalState level(boolean on, boolean activeHigh) {
        return on == activeHigh ? DigitalState.HIGH : DigitalState.LOW;
    }

    private Runnable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = thread.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    private void deliver(ButtonPress press) {
        try {
            listener.onPress(press);
        } catch (RuntimeException e) {
            log.error("Press listener failed on press #{}: {}", press.sequence(), e.toString(), e);
        }
    }

    @Override
    public Button button() {
        return l -> listener = l;
    }

    @Override
    public Chime chime() {
        return () -> thread.execute(() -> {
            chimeOutput.state(level(true, config.chimeActiveHigh()));
            if (chimeOff != null) {
                chimeOff.cancel(false);
            }
            chimeOff = thread.schedule(() -> chimeOutput.state(level(false, config.chimeActiveHigh())),
                    config.chimeDuration().toNanos(), TimeUnit.NANOSECONDS);
        });
    }

    @Override
    public java.util.Optional<MotionSensor> motionSensor() {
        return pirInput == null ? java.util.Optional.empty() : java.util.Optional.of(listener -> motionListener = listener);
    }

    @Override
    public java.util.Optional<DoorStrike> doorStrike() {
        if (strikeOutput == null) {
            return java.util.Optional.empty();
        }
        HardwareConfig.Strike strike = config.strike().orElseThrow();
        return java.util.Optional.of(new DoorStrike() {
            @Override
            public void open() {
                thread.execute(() -> {
                    if (strikeOn) {
                        return; // one pulse at a time: a second open does not hold the door longer
                    }
                    strikeOn = true;
                    strikeOutput.state(level(true, strike.activeHigh()));
                    thread.schedule(() -> {
                        strikeOutput.state(level(false, strike.activeHigh()));
                        strikeOn = false;
                    }, strike.pulse().toNanos(), TimeUnit.NANOSECONDS);
                });
            }

            @Override
            public boolean energised() {
                return strikeOn;
            }
        });
    }

    @Override
    public StatusLed statusLed() {
        return newPattern -> thread.execute(() -> showLed(newPattern));
    }

    private void showLed(LedPattern newPattern) {
        if (newPattern == pattern) {
            return;
        }
        pattern = newPattern;
        if (blinker != null) {
            blinker.cancel(false);
            blinker = null;
        }
        setLed(newPattern != LedPattern.OFF);
        if (!newPattern.halfPeriod().isZero()) {
            long half = newPattern.halfPeriod().toNanos();
            blinker = thread.scheduleAtFixedRate(() -> setLed(!ledLit), half, half, TimeUnit.NANOSECONDS);
        }
    }

    private void setLed(boolean lit) {
        ledLit = lit;
        ledOutput.state(level(lit, config.ledActiveHigh()));
    }

    /** An output by id ("chime" or "led"), for tests on the mock platform. */
    DigitalOutput outputForTest(String id) {
        return switch (id) {
            case "chime" -> chimeOutput;
            case "led" -> ledOutput;
            case "strike" -> java.util.Objects.requireNonNull(strikeOutput, "no strike wired");
            default -> throw new IllegalArgumentException(id);
        };
    }

    /** Runs a task on the board's thread (for the simulated press). */
    void onBoardThread(Runnable task, Duration delay) {
        thread.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        if (strikeOutput != null) {
            try {
                strikeOutput.state(level(false, config.strike().orElseThrow().activeHigh())); // off before anything else stops
            } catch (RuntimeException e) {
                log.error("Could not drive the door strike off: {}", e.toString());
            }
        }
        thread.shutdownNow();
        try {
            thread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            pi4j.shutdown();
        } catch (RuntimeException e) {
            log.warn("Pi4J did not shut down cleanly: {}", e.toString());
        }
    }
}
