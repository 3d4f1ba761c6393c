package org.openbell.agent.integration;

import org.openbell.agent.TestPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.config.AgentConfig;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.hardware.Boards;
import org.openbell.hardware.SimulatedBoard;

/**
 * Issue 11, defect 7: an SD card remounted read-only stopped the agent with the default embedded
 * broker from starting at all (no chime). The state folder is made read-only with a bind mount
 * (root needed; CI runs as root).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ReadOnlyStateTest {

    @TempDir
    Path dir;

    @Test
    void theDoorbellStartsAndChimesOnAReadOnlyStateFolder() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for a read-only bind mount");
        Path state = Files.createDirectories(dir.resolve("state"));
        AgentConfig config = ConfigLoader.parse("""
                hardware: {mode: simulated, button: {debounce: 5ms, lockout: 100ms}, chime: {duration: 50ms}}
                embeddedBroker: {bind: 127.0.0.1, port: %d, webSocketBind: 127.0.0.1, webSocketPort: %d}
                web: {bind: 127.0.0.1, port: 0}
                stateDir: "%s"
                """.formatted(TestPorts.free(), TestPorts.free(), state), "read-only test config");
        try (Agent first = Agent.start(config)) {
            assertEquals("IDLE", first.status().state()); // made the TLS identity and the broker's folder
        }
        run("mount", "--bind", state.toString(), state.toString());
        try {
            run("mount", "-o", "remount,ro,bind", state.toString());
            assertThrows(IOException.class, () -> Files.writeString(state.resolve("probe"), "x"), "the folder is read-only");
            AtomicInteger chimes = new AtomicInteger();
            try (Agent agent = Agent.start(config, hw -> new ChimeCounting((SimulatedBoard) Boards.open(hw), chimes))) {
                for (int i = 0; i < 400 && !agent.signaling().isConnected(); i++) {
                    Thread.sleep(25);
                }
                assertTrue(agent.signaling().isConnected(), "the agent reached its own broker");
                ((SimulatedBoard) agent.board()).press();
                for (int i = 0; i < 200 && chimes.get() == 0; i++) {
                    Thread.sleep(25);
                }
                assertEquals(1, chimes.get(), "the press chimed");
                assertEquals("RINGING", agent.status().state());
            }
        } finally {
            run("umount", state.toString());
        }
    }


    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }
}
