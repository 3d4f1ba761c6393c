package org.openbell.agent.service;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's side of systemd's watchdog ({@code WatchdogSec=}): every half period it asks the
 * agent whether it is healthy (its ring loop still runs tasks) and only then sends
 * {@code WATCHDOG=1}. A stuck agent stops pinging and systemd restarts it.
 */
public final class ServiceWatchdog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServiceWatchdog.class);

    private final ScheduledExecutorService timer;

    private ServiceWatchdog(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** The period systemd expects pings within ({@code $WATCHDOG_USEC}, for this process per {@code $WATCHDOG_PID}). */
    public static Optional<Duration> periodFromEnvironment() {
        String usec = System.getenv("WATCHDOG_USEC");
        String pid = System.getenv("WATCHDOG_PID");
        if (usec == null || (pid != null && !pid.equals(String.valueOf(ProcessHandle.current().pid())))) {
            return Optional.empty();
        }
        try {
            long micros = Long.parseLong(usec.trim());
            return micros > 0 ? Optional.of(Duration.ofNanos(micros * 1000)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Pings {@code notify} every {@code period / 2} while {@code healthy} says so. */
    public static ServiceWatchdog start(SystemdNotify notify, Duration period, BooleanSupplier healthy) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("openbell-watchdog").factory());
        long half = Math.max(1, period.toMillis() / 2);
        timer.scheduleAtFixedRate(() -> {
            if (healthy.getAsBoolean()) {
                notify.send("WATCHDOG=1");
            } else {
                log.error("Not healthy: the ring loop did not answer; not pinging the watchdog (systemd will restart the agent)");
            }
        }, half, half, TimeUnit.MILLISECONDS);
        log.info("Watchdog: pinging systemd every {} ms", half);
        return new ServiceWatchdog(timer);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
