package org.openbell.agent.webrtc;

import org.openbell.agent.TestPorts;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Page;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.Closing;
import org.openbell.agent.call.SimulatedSound;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.agent.e2e.Chromium;
import org.openbell.hardware.SimulatedBoard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 13's cost model, measured on x86: one call held for 30 s at a given size and frame rate
 * while {@code perf} samples the media worker, then where its CPU went (by library and symbol) and
 * how many instructions it ran. Opt-in, not a test of behaviour:
 * {@code mvn -pl device-agent test -Dtest=CallCostProfile -Dopenbell.profileCall=640x480@30}
 * (root, perf installed); the report goes to target/call-cost-WxH@F.txt.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CallCostProfile {

    private static final Logger log = LoggerFactory.getLogger(CallCostProfile.class);

    @TempDir
    Path state;

    @Test
    void profileOneCall() throws Exception {
        String spec = System.getProperty("openbell.profileCall");
        assumeTrue(spec != null && spec.matches("\\d+x\\d+@\\d+"), "opt-in: -Dopenbell.profileCall=640x480@30");
        assumeTrue(Namespaces.unavailableReason() == null && SimulatedSound.unavailableReason() == null);
        String[] parts = spec.split("[x@]");
        try (Namespaces ns = Namespaces.create()) {
            Agent agent = Agent.start(ConfigLoader.parse("""
                    hardware: {mode: simulated, button: {debounce: 5ms, lockout: 200ms}, chime: {duration: 100ms}}
                    ring: {timeout: 30s}
                    embeddedBroker: {bind: 127.0.0.1, port: %d, webSocketBind: %s, webSocketPort: %d, anonymous: true}
                    web: {bind: %s, port: 0}
                    media: {audio: simulated, width: %s, height: %s, fps: %s, workerCommandPrefix: [ip, netns, exec, %s]}
                    stateDir: "%s"
                    """.formatted(TestPorts.free(), ns.rootAddress, TestPorts.free(), ns.rootAddress, parts[0], parts[1], parts[2], ns.door, state),
                    "cost profile"));
            Chromium chromium = Chromium.launchInNamespace(ns.phone);
            try {
                Page page = chromium.phone("owner");
                if ("VP8".equals(System.getProperty("openbell.profileCodec"))) {
                    page.addInitScript(Arm64CallTest.VP8_ONLY);
                }
                page.navigate("https://" + ns.rootAddress + ":" + agent.webPort() + "/?owner=olivia");
                page.waitForSelector("#presence[data-state=online]", new Page.WaitForSelectorOptions().setTimeout(30_000));
                ((SimulatedBoard) agent.board()).press();
                page.waitForSelector("#ring-screen:not([hidden])", new Page.WaitForSelectorOptions().setTimeout(30_000));
                page.locator("#answer").click();
                page.waitForFunction("() => openbell.call && openbell.call.firstFrameAt > 0", null, new Page.WaitForFunctionOptions().setTimeout(30_000));
                Thread.sleep(3000); // past the first keyframes and the ramp-up
                long pid = agent.calls().snapshot().workerPid().orElseThrow();
                Path data = Path.of("target/call-cost-" + spec + ".perf");
                Files.createDirectories(data.getParent());
                Process perf = new ProcessBuilder("perf", "record", "-F", "499", "-g", "-o", data.toString(), "-p", String.valueOf(pid), "--", "sleep", "30")
                        .redirectErrorStream(true).start();
                Process counts = new ProcessBuilder("perf", "stat", "-e", "task-clock,instructions,cycles", "-p", String.valueOf(pid), "--", "sleep", "30")
                        .redirectErrorStream(true).start();
                String stat = new String(counts.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                perf.waitFor(60, TimeUnit.SECONDS);
                String line = page.locator("#call-stats").textContent();
                com.fasterxml.jackson.databind.JsonNode worker = agent.calls().stats().get(10, TimeUnit.SECONDS);
                page.locator("#hangup").click();
                Process report = new ProcessBuilder("perf", "report", "-i", data.toString(), "--no-children", "--sort", "dso", "--stdio")
                        .redirectErrorStream(true).start();
                String byDso = new String(report.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                Process symbols = new ProcessBuilder("perf", "report", "-i", data.toString(), "--no-children", "--sort", "dso,sym", "--stdio", "-g", "none")
                        .redirectErrorStream(true).start();
                String bySymbol = new String(symbols.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                Path out = Path.of("target/call-cost-" + spec + "-" + System.getProperty("openbell.profileCodec", "H264") + ".txt");
                Files.writeString(out, "call " + spec + ", page stats: " + line + "\nworker stats: " + worker + "\n\n" + stat + "\n" + head(byDso, 40) + "\n" + head(bySymbol, 80));
                log.info("Call cost profile written to {}:\n{}", out, stat);
                assertTrue(Files.size(out) > 0);
            } finally {
                Closing.all(chromium, agent);
            }
        }
    }

    private static String head(String text, int lines) {
        List<String> kept = text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).limit(lines).toList();
        return String.join("\n", kept);
    }

}
