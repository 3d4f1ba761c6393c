package org.openbell.agent.ring;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Schedules work on the controller's own thread; tests pass a manual fake. */
public interface Timers {

    /** Runs {@code task} after {@code delay}; the returned handle cancels it. */
    Runnable schedule(Duration delay, Runnable task);

    static Timers on(ScheduledExecutorService executor) {
        return (delay, task) -> {
            ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        };
    }
}
