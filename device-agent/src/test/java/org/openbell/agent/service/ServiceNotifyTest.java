package org.openbell.agent.service;

import org.openbell.agent.TestPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as systemd runs it (Type=notify, WatchdogSec=): a real agent process with
 * {@code NOTIFY_SOCKET} and {@code WATCHDOG_USEC} set says READY=1 once it can ring, pings
 * WATCHDOG=1 at half the period, and says STOPPING=1 on SIGTERM; outside systemd it says nothing.
 */
class ServiceNotifyTest {

    @TempDir
    Path dir;

    @Test
    void aMessageReachesThePathSocket() throws Throwable {
        try (NotifyReceiver systemd = new NotifyReceiver(dir.resolve("notify"))) {
            assertTrue(SystemdNotify.of(systemd.path.toString()).orElseThrow().send("READY=1\nSTATUS=hello"));
            assertEquals(List.of("READY=1\nSTATUS=hello"), systemd.receiveUntil("READY=1", 2000));
        }
        assertTrue(SystemdNotify.of(null).isEmpty());
        assertTrue(SystemdNotify.of(" ").isEmpty());
        assertTrue(!SystemdNotify.of(dir.resolve("nobody-listens").toString()).orElseThrow().send("READY=1"),
                "a socket nobody listens on: false, no exception");
    }

    @Test
    void theAgentSaysReadyPingsTheWatchdogAndSaysStopping() throws Throwable {
        Path config = dir.resolve("agent.yml");
        Files.writeString(config, """
                hardware: {mode: simulated}
                embeddedBroker: {port: %d, webSocketBind: 127.0.0.1, webSocketPort: %d, webSocketTls: false, anonymous: true}
                web: {bind: 127.0.0.1, port: 0}
                stateDir: "%s"
                """.formatted(TestPorts.free(), TestPorts.free(), dir.resolve("state")));
        try (NotifyReceiver systemd = new NotifyReceiver(dir.resolve("notify"))) {
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    "org.openbell.agent.Main", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile());
            builder.environment().put("NOTIFY_SOCKET", systemd.path.toString());
            builder.environment().put("WATCHDOG_USEC", "1000000");
            Process agent = builder.start();
            try {
                List<String> ready = systemd.receiveUntil("READY=1", 30_000);
                assertTrue(ready.stream().anyMatch(m -> m.startsWith("READY=1\nSTATUS=Ready: doorbell front-door")),
                        ready + "\n" + Files.readString(dir.resolve("agent.log")));
                List<String> pings = systemd.receiveUntil("WATCHDOG=1", 3_000);
                assertTrue(pings.contains("WATCHDOG=1"), "a watchdog ping within the period: " + pings);
                agent.destroy(); // SIGTERM, as systemctl stop
                List<String> stopping = systemd.receiveUntil("STOPPING=1", 10_000);
                assertTrue(stopping.stream().anyMatch(m -> m.startsWith("STOPPING=1")), stopping.toString());
                assertTrue(agent.waitFor(20, TimeUnit.SECONDS), "the agent exits after SIGTERM");
            } finally {
                agent.destroyForcibly();
            }
        }
    }

}
