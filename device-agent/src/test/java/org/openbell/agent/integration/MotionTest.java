package org.openbell.agent.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.Closing;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.agent.ring.RingState;
import org.openbell.signaling.Topics;
import org.openbell.signaling.mqtt.MqttLink;
import org.openbell.signaling.mqtt.MqttSettings;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * Issue 15, motion: a PIR on the simulated board (the same debounce and hold code as on a Pi) is
 * Home Assistant's motion sensor, and never a ring; the owners get a quiet motion message, and a
 * push only those who asked for it.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class MotionTest {

    @TempDir
    Path state;

    @Test
    void motionIsHomeAssistantsMotionSensorAndNoRing() throws Exception {
        MosquittoBroker broker = MosquittoBroker.start();
        Agent agent = null;
        MqttLink ha = null;
        try {
            agent = Agent.start(ConfigLoader.parse("""
                    device: {id: front-door, name: Front door}
                    hardware: {mode: simulated, button: {debounce: 5ms, lockout: 300ms}, chime: {duration: 200ms},
                               pir: {pin: 24, debounce: 50ms, hold: 1s}}
                    mqtt: {broker: "%s", webSocketUrl: "%s", reconnectMin: 100ms, reconnectMax: 1s, keepAlive: 5s}
                    web: {bind: 127.0.0.1, port: 0}
                    homeAssistant: {enabled: true}
                    stateDir: "%s"
                    """.formatted(broker.tcpUri(), broker.webSocketUri(), state), "motion test"));
            BlockingQueue<Map.Entry<String, byte[]>> seen = new LinkedBlockingQueue<>();
            ha = MqttLink.start(MqttSettings.builder(broker.tcpUri(), "home-assistant-motion").build());
            ha.subscribe("homeassistant/device/openbell_front-door/config", 1, (t, p) -> seen.add(Map.entry(t, p)));
            ha.subscribe("openbell/v1/doorbells/front-door/ha/state", 1, (t, p) -> seen.add(Map.entry(t, p)));
            ha.subscribe("openbell/v1/doorbells/front-door/rings", 1, (t, p) -> seen.add(Map.entry(t, p)));
            ObjectMapper json = new ObjectMapper();
            JsonNode discovery = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            String lastMotion = null;
            boolean sawOn = false;
            boolean sawOffAfter = false;
            boolean asked = false;
            while (System.nanoTime() < deadline && !sawOffAfter) {
                Map.Entry<String, byte[]> m = seen.poll(100, TimeUnit.MILLISECONDS);
                if (m == null) {
                    continue;
                }
                if (m.getKey().endsWith("/config")) {
                    discovery = json.readTree(m.getValue());
                    if (!asked) {
                        asked = true;
                        assertTrue(agent.simulateMotion(), "a simulated PIR");
                    }
                } else if (m.getKey().endsWith("/rings")) {
                    throw new AssertionError("motion must not ring: " + new String(m.getValue()));
                } else {
                    lastMotion = json.readTree(m.getValue()).path("motion").asText();
                    sawOn |= lastMotion.equals("ON");
                    sawOffAfter = sawOn && lastMotion.equals("OFF");
                }
            }
            assertTrue(discovery != null && discovery.at("/cmps/motion/device_class").asText().equals("motion"), "a motion sensor entity");
            assertTrue(sawOn, "motion ON");
            assertTrue(sawOffAfter, "then OFF after the hold");
            assertEquals(RingState.IDLE, agent.ring().snapshot().state(), "no ring");
            assertNull(agent.status().lastRingPicture(), "the camera warmed up; no ring picture is made of it");
            assertEquals(Topics.defaults().presence("front-door"), discovery.at("/availability/0/topic").asText());
        } finally {
            Closing.all(ha, agent, broker);
        }
    }

    @Test
    void everyOwnerIsToldQuietlyAndOnlyThoseWhoAskedArePushed() throws Exception {
        MosquittoBroker broker = MosquittoBroker.start();
        org.openbell.agent.push.PushServiceStandIn pushService =
                org.openbell.agent.push.PushServiceStandIn.start(state.resolve("push-service"));
        Agent agent = null;
        try {
            agent = Agent.start(ConfigLoader.parse("""
                    device: {id: front-door, name: Front door}
                    hardware: {mode: simulated, button: {debounce: 5ms, lockout: 300ms}, chime: {duration: 200ms},
                               pir: {pin: 24, debounce: 50ms, hold: 1s}}
                    mqtt: {broker: "%s", webSocketUrl: "%s", reconnectMin: 100ms, reconnectMax: 1s, keepAlive: 5s}
                    web: {bind: 127.0.0.1, port: 0}
                    push: {contact: "mailto:tests@openbell.invalid", allowedHosts: ["%s"], allowPrivateNetworks: true, caFile: "%s"}
                    stateDir: "%s"
                    """.formatted(broker.tcpUri(), broker.webSocketUri(), pushService.host(), pushService.caFile(), state.resolve("agent")),
                    "motion push test"));
            try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door");
                    OwnerClient bob = new OwnerClient(broker.tcpUri(), "bob", "front-door")) {
                assertTrue(alice.next(alice.capabilities, org.openbell.signaling.Capabilities.class).motion(), "a motion sensor is wired");
                var alicePhone = pushService.subscribe();
                var bobPhone = pushService.subscribe();
                for (var owner : java.util.List.of(java.util.Map.entry(alice, alicePhone), java.util.Map.entry(bob, bobPhone))) {
                    var s = owner.getValue();
                    owner.getKey().send(new org.openbell.signaling.PushSubscribe("front-door", s.endpoint(), s.p256dh(), s.auth(),
                            java.time.Instant.now()));
                    owner.getKey().next(owner.getKey().fromDevice, org.openbell.signaling.PushStatus.class);
                }
                alice.send(new org.openbell.signaling.MotionAlerts("front-door", true, java.time.Instant.now()));
                for (int i = 0; i < 100 && !java.nio.file.Files.exists(state.resolve("agent").resolve("motion-alerts.json")); i++) {
                    Thread.sleep(20);
                }
                assertTrue(agent.simulateMotion());
                var seenByAlice = alice.next(alice.motion, org.openbell.signaling.Motion.class);
                var seenByBob = bob.next(bob.motion, org.openbell.signaling.Motion.class);
                assertEquals(seenByAlice, seenByBob, "one motion to every owner");
                var pushed = pushService.await("\"type\":\"motion\"", 1, 10_000);
                assertEquals(1, pushed.size(), "pushed once: " + pushed);
                assertEquals(alicePhone.id(), pushed.getFirst().subscription(), "only to the owner who asked");
                assertEquals("normal", pushed.getFirst().urgency(), "a notice, not a ring");
                assertTrue(pushed.getFirst().topic() != null && !pushed.getFirst().topic().equals("front-door"),
                        "its own Topic: it never replaces a ring a push service holds: " + pushed.getFirst().topic());
                assertTrue(pushed.getFirst().ttl() > 0 && pushed.getFirst().ttl() <= 60, "a minute at most: " + pushed.getFirst().ttl());

                // The visitor walks about: the sensor triggers again within 30 s, nobody is told twice.
                Thread.sleep(5000); // past the first one (3 s and the 1 s hold)
                assertTrue(agent.simulateMotion());
                Thread.sleep(1500);
                assertEquals(null, alice.motion.poll(), "no second notice within 30 s");
                assertEquals(1, pushService.await("\"type\":\"motion\"", 2, 500).size());
                assertEquals(null, alice.rings.poll(), "never a ring");
                assertEquals(RingState.IDLE, agent.ring().snapshot().state());

                alice.send(new org.openbell.signaling.MotionAlerts("front-door", false, java.time.Instant.now()));
                for (int i = 0; i < 100 && java.nio.file.Files.readString(state.resolve("agent").resolve("motion-alerts.json")).contains("alice"); i++) {
                    Thread.sleep(20);
                }
                assertFalse(java.nio.file.Files.readString(state.resolve("agent").resolve("motion-alerts.json")).contains("alice"),
                        "turned off, and kept so");
            }
        } finally {
            Closing.all(agent, pushService, broker);
        }
    }
}
