package org.openbell.agent.e2e;

import org.openbell.agent.TestPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.openbell.agent.config.ConfigLoader;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.signaling.testing.TestCertificates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12: Firefox's own Web Push, end to end. Firefox (Debian's ESR) is pointed at a push
 * service stand-in speaking Mozilla's push WebSocket protocol ({@code dom.push.serverURL}); the
 * owner app's "Turn on" runs the real {@code pushManager.subscribe()} against it and registers
 * the subscription with the doorbell; a button press makes the doorbell encrypt and send the ring
 * to the stand-in's endpoint, which hands the body, untouched, to Firefox; Firefox decrypts it
 * with its own keys and its service worker shows the ring. Nothing but the push service is a stand-in.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FirefoxPushEndToEndTest {

    private static final Logger log = LoggerFactory.getLogger(FirefoxPushEndToEndTest.class);

    @TempDir
    Path state;

    @Test
    void firefoxSubscribesForRealAndShowsTheRingItDecrypted() throws Exception {
        FirefoxDriver.requireInstalled();
        TestCertificates ca = TestCertificates.authority(state, "push");
        Path[] cert = ca.server("push-endpoint", "localhost");
        int wsPort = TestPorts.free();
        int httpsPort = TestPorts.free();
        Agent agent = Agent.start(ConfigLoader.parse("""
                hardware: {mode: simulated, button: {debounce: 5ms, lockout: 200ms}, chime: {duration: 100ms}}
                embeddedBroker: {bind: 127.0.0.1, port: %d, webSocketBind: 127.0.0.1, webSocketPort: %d, anonymous: true}
                web: {bind: 127.0.0.1, port: 0}
                push: {allowedHosts: ["localhost:%d"], allowPrivateNetworks: true, caFile: "%s"}
                stateDir: "%s"
                """.formatted(TestPorts.free(), TestPorts.free(), httpsPort, ca.caFile("push"), state.resolve("agent")), "firefox push test"));
        Process firefox = null;
        try {
            Path profile = FirefoxDriver.profileTrusting(state.resolve("firefox-profile"), state.resolve("agent/tls/ca.crt"));
            firefox = FirefoxDriver.start(List.of(), "push-firefox.mjs", "https://127.0.0.1:" + agent.webPort() + "/?owner=felix",
                    profile.toString(), String.valueOf(wsPort), String.valueOf(httpsPort), cert[0].toString(), cert[1].toString());
            JsonNode notification = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(firefox.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    log.info("firefox push driver: {}", line);
                    if (line.equals("subscribed")) {
                        assertEquals(1, agent.status().push().subscriptions().intValue(),
                                "the doorbell stored Firefox's real subscription");
                        ((SimulatedBoard) agent.board()).press();
                    } else if (line.startsWith("notification ")) {
                        notification = new ObjectMapper().readTree(line.substring("notification ".length()));
                    } else if (line.startsWith("error ")) {
                        throw new AssertionError("Firefox: " + line + "; doorbell push " + agent.status().push());
                    }
                }
            }
            assertTrue(notification != null, "no notification shown; doorbell push " + agent.status().push());
            assertEquals("Front door: someone is at the door", notification.path("title").asText(), notification.toString());
            assertEquals("openbell-front-door", notification.path("tag").asText());
            assertEquals(agent.ring().snapshot().ringId().or(() -> agent.ring().snapshot().lastEnded().map(e -> e.ringId())).orElseThrow(),
                    notification.path("ringId").asText(), "Firefox decrypted the doorbell's ring itself");
        } finally {
            if (firefox != null) {
                firefox.destroyForcibly();
            }
            Closing.all(agent);
        }
    }

}
