package org.openbell.agent.webrtc;

import org.openbell.agent.TestPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
import org.openbell.agent.e2e.FirefoxDriver;
import org.openbell.hardware.SimulatedBoard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12: the owner app in Debian's Firefox ESR (driven over WebDriver BiDi by puppeteer-core,
 * {@link FirefoxDriver}): in the phone's own network namespace, trusting the doorbell's
 * certificate authority in its profile and with no certificate exception, the page and its MQTT
 * (the same origin, /mqtt) connect; a ring is answered and a VP8 call (Firefox has no H.264
 * offline) brings decoded video, with the host candidates Firefox gathers; then a live view
 * (issue 14) brings video with the owner's microphone closed.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class FirefoxEndToEndTest {

    private static final Logger log = LoggerFactory.getLogger(FirefoxEndToEndTest.class);

    @TempDir
    Path state;

    @Test
    void aFirefoxOwnerOnOneOriginAnswersWithVp8() throws Exception {
        String unavailable = Namespaces.unavailableReason();
        assumeTrue(unavailable == null, unavailable);
        assumeTrue(SimulatedSound.unavailableReason() == null, SimulatedSound.unavailableReason());
        FirefoxDriver.requireInstalled();
        Namespaces ns = Namespaces.create();
        // Firefox gathers only its default-route address (10.77.1.2, towards the root namespace)
        // until the page holds a microphone permission, and the microphone is asked in parallel
        // with the answer; the doorbell then needs a way back to that address, as any LAN has.
        run("ip", "-n", ns.door, "route", "add", "10.77.1.0/24", "via", "10.77.2.2");
        Agent agent = null;
        Process firefox = null;
        try {
            agent = Agent.start(ConfigLoader.parse("""
                    hardware: {mode: simulated, button: {debounce: 5ms, lockout: 200ms}, chime: {duration: 100ms}}
                    ring: {timeout: 30s}
                    embeddedBroker: {bind: 127.0.0.1, port: %d, webSocketBind: 127.0.0.1, webSocketPort: %d, anonymous: true}
                    web: {bind: %s, port: 0}
                    media: {audio: simulated, workerCommandPrefix: [ip, netns, exec, %s]}
                    stateDir: "%s"
                    """.formatted(TestPorts.free(), TestPorts.free(), ns.rootAddress, ns.door, state.resolve("agent")), "firefox test config"));
            Path profile = FirefoxDriver.profileTrusting(state.resolve("firefox-profile"), state.resolve("agent/tls/ca.crt"));
            String url = "https://" + ns.rootAddress + ":" + agent.webPort() + "/?owner=fiona";
            firefox = FirefoxDriver.start(ns.exec(ns.phone), "owner-call.mjs", url, profile.toString());
            JsonNode result = null;
            JsonNode live = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(firefox.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    log.info("firefox driver: {}", line);
                    if (line.equals("online")) {
                        ((SimulatedBoard) agent.board()).press();
                    } else if (line.startsWith("result ")) {
                        result = new ObjectMapper().readTree(line.substring("result ".length()));
                    } else if (line.startsWith("live ")) {
                        live = new ObjectMapper().readTree(line.substring("live ".length()));
                    } else if (line.startsWith("error ")) {
                        throw new AssertionError("Firefox: " + line);
                    }
                }
            }
            assertTrue(result != null, "the driver reported no result");
            assertEquals("video/VP8", result.path("codec").asText(), result.toString());
            assertTrue(result.path("framesDecoded").asLong() - result.path("framesBefore").asLong() >= 30,
                    "video keeps coming in Firefox: " + result);
            boolean mdns = false;
            for (JsonNode c : result.path("gathered")) {
                mdns |= c.asText().contains(".local ");
            }
            assertTrue(mdns, "Firefox named its host by mDNS (.local), and the call connected all the same (host -> prflx): " + result);
            log.info("Firefox gathered: {}", result.path("gathered"));
            assertEquals("fiona", agent.ring().snapshot().lastEnded().orElseThrow().by().orElseThrow());
            // Issue 14: a live view in Firefox too, with the owner's microphone closed.
            assertTrue(live != null, "the driver reported no live view");
            assertTrue(live.path("framesDecoded").asLong() - live.path("framesBefore").asLong() >= 30, "live video in Firefox: " + live);
            assertEquals("Live view · the door cannot hear you", live.path("label").asText(), live.toString());
        } finally {
            if (firefox != null) {
                firefox.destroyForcibly();
            }
            Closing.all(agent, ns);
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }

}
