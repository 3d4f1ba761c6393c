package org.openbell.hardware;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Turns a PIR sensor's raw edges into motion that starts and ends: motion starts once the input
 * has stayed active for {@code debounce} (chatter and spikes shorter than that are dropped), and
 * ends once it has stayed inactive for {@code hold} (a sensor re-triggering within it is one
 * motion). Not thread-safe: fed from the board's thread, which its scheduler also runs on.
 */
final class MotionDetector {

    private final Duration debounce;
    private final Duration hold;
    private final PressDetector.Scheduler scheduler;
    private final Consumer<Boolean> motion;
    private boolean moving;
    private Runnable cancelStart = () -> { };
    private Runnable cancelEnd = () -> { };

    MotionDetector(Duration debounce, Duration hold, PressDetector.Scheduler scheduler, Consumer<Boolean> motion) {
        this.debounce = debounce;
        this.hold = hold;
        this.scheduler = scheduler;
        this.motion = motion;
    }

    void edge(boolean active) {
        if (active) {
            cancelEnd.run();
            cancelEnd = () -> { };
            if (!moving) {
                cancelStart.run();
                cancelStart = scheduler.schedule(debounce, () -> {
                    moving = true;
                    motion.accept(true);
                });
            }
        } else {
            cancelStart.run();
            cancelStart = () -> { };
            if (moving) {
                cancelEnd.run();
                cancelEnd = scheduler.schedule(hold, () -> {
                    moving = false;
                    motion.accept(false);
                });
            }
        }
    }
}
