package org.openbell.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.openbell.agent.config.AgentConfig;
import org.openbell.agent.config.ConfigException;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.agent.service.ServiceWatchdog;
import org.openbell.agent.service.SystemdNotify;
import org.openbell.hardware.SimulatedBoard;

/**
 * {@code openbell-agent [--config FILE] [--check-config]}: runs the doorbell until SIGTERM/SIGINT
 * ({@code --check-config}: only reads and checks the configuration, exit 0 or 2). Without a
 * config file it runs the demo defaults (simulated board off a Pi, embedded broker). On a
 * simulated board, Enter on the terminal presses the button.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        // Our logging config by name: a dependency (HiveMQ) ships its own logback.xml.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "openbell-logback.xml");
        }
        boolean checkOnly = java.util.Arrays.asList(args).contains("--check-config");
        args = java.util.Arrays.stream(args).filter(a -> !a.equals("--check-config")).toArray(String[]::new);
        AgentConfig config;
        try {
            config = ConfigLoader.load(args, System.getenv("OPENBELL_CONFIG"));
        } catch (ConfigException e) {
            System.err.println("openbell: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (checkOnly) {
            System.out.println("openbell: the configuration is valid: doorbell '" + config.device().id() + "', hardware "
                    + config.hardware().mode().name().toLowerCase(java.util.Locale.ROOT) + ", "
                    + (config.mqtt().brokerUri().isPresent() ? "broker " + config.mqtt().brokerUri().get() : "embedded broker")
                    + ", state in " + config.stateDir());
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Agent agent;
        try {
            agent = Agent.start(config);
        } catch (RuntimeException e) {
            System.err.println("openbell: cannot start: " + e.getMessage());
            org.slf4j.LoggerFactory.getLogger(Main.class).debug("start failure", e);
            System.exit(1);
            return;
        }
        // Under systemd (Type=notify): ready now, then watchdog pings while the ring loop is alive.
        Optional<SystemdNotify> systemd = SystemdNotify.fromEnvironment();
        Optional<ServiceWatchdog> watchdog = systemd.flatMap(notify -> {
            notify.send("READY=1\nSTATUS=Ready: " + agent.statusLine());
            return ServiceWatchdog.periodFromEnvironment().map(period -> ServiceWatchdog.start(notify, period, agent::healthy));
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            systemd.ifPresent(notify -> notify.send("STOPPING=1\nSTATUS=Stopping"));
            watchdog.ifPresent(ServiceWatchdog::close);
            agent.close();
            stopped.countDown();
        }, "openbell-shutdown"));
        if (agent.board() instanceof SimulatedBoard simulated) {
            pressOnEnter(simulated);
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pressOnEnter(SimulatedBoard board) {
        Thread reader = Thread.ofPlatform().daemon().name("openbell-terminal").start(() -> {
            System.out.println("Simulated doorbell: press Enter to ring.");
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                while (in.readLine() != null) {
                    board.press();
                }
            } catch (IOException e) {
                // stdin closed: the demo page's button still works
            }
        });
        reader.setUncaughtExceptionHandler((t, e) -> { });
    }
}
