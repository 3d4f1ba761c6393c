package org.openbell.agent.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.TestAgents;
import org.openbell.hardware.Boards;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.signaling.Topics;
import org.openbell.signaling.mqtt.MqttLink;
import org.openbell.signaling.mqtt.MqttSettings;
import org.openbell.signaling.mqtt.Outgoing;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * Issue 15, Home Assistant discovery, against a real Mosquitto, as Home Assistant sees it: the
 * device-based discovery payload checked field by field against Home Assistant's documented
 * options for each platform (an unknown key is a typo Home Assistant would reject), availability
 * from the doorbell's presence, discovery again on {@code homeassistant/status online}, the doorbell
 * event on every press, the chime-silent switch (the chime stays quiet, the ring still goes out), and
 * the device removed when Home Assistant is turned off.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HomeAssistantTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Topics T = Topics.defaults();
    private static final String DISCOVERY = "homeassistant/device/openbell_front-door/config";

    /** Each platform's options Home Assistant documents (MQTT integration, 2025): shared ones, then its own. */
    private static final Set<String> COMMON = Set.of("p", "name", "unique_id", "icon", "entity_category", "device_class",
            "state_topic", "value_template", "json_attributes_topic", "json_attributes_template", "qos", "enabled_by_default");
    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "event", Set.of("event_types"),
            "image", Set.of("image_topic", "content_type", "image_encoding", "url_topic", "url_template"),
            "binary_sensor", Set.of("payload_on", "payload_off", "off_delay", "expire_after", "force_update"),
            "sensor", Set.of("unit_of_measurement", "state_class", "options", "suggested_display_precision", "expire_after",
                    "force_update", "last_reset_value_template"),
            "switch", Set.of("command_topic", "payload_on", "payload_off", "state_on", "state_off", "optimistic", "retain"),
            "button", Set.of("command_topic", "payload_press", "retain"),
            "select", Set.of("command_topic", "command_template", "options", "optimistic", "retain"));
    /** What each platform must have. */
    private static final Map<String, Set<String>> REQUIRED = Map.of(
            "event", Set.of("state_topic", "event_types"),
            "image", Set.of("image_topic", "content_type"),
            "binary_sensor", Set.of("state_topic"),
            "sensor", Set.of("state_topic"),
            "switch", Set.of("command_topic"),
            "button", Set.of("command_topic"),
            "select", Set.of("command_topic", "options"));

    @TempDir
    Path state;
    MosquittoBroker broker;
    Agent agent;
    MqttLink ha;
    final AtomicInteger chimes = new AtomicInteger();
    final BlockingQueue<Map.Entry<String, byte[]>> seen = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() {
        broker = MosquittoBroker.start();
        ha = MqttLink.start(MqttSettings.builder(broker.tcpUri(), "home-assistant-test").build());
        ha.subscribe("homeassistant/#", 1, (topic, payload) -> seen.add(Map.entry(topic, payload)));
        ha.subscribe("openbell/v1/doorbells/front-door/ha/#", 1, (topic, payload) -> seen.add(Map.entry(topic, payload)));
    }

    @AfterEach
    void stop() throws Exception {
        org.openbell.agent.Closing.all(agent, ha, broker);
    }

    private void startAgent(boolean enabled) throws InterruptedException {
        agent = Agent.start(TestAgents.config(broker.tcpUri(), broker.webSocketUri(), state, Duration.ofSeconds(30),
                "homeAssistant: {enabled: " + enabled + "}\nmedia: {audio: simulated}\n"), hw -> new ChimeCounting((SimulatedBoard) Boards.open(hw), chimes),
                java.time.Clock.systemUTC());
        for (int i = 0; i < 400 && !agent.signaling().isConnected(); i++) {
            Thread.sleep(25);
        }
        assertTrue(agent.signaling().isConnected());
    }

    private byte[] next(String topic) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Map.Entry<String, byte[]> m = seen.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && m.getKey().equals(topic)) {
                return m.getValue();
            }
        }
        throw new AssertionError("nothing on " + topic);
    }

    private JsonNode nextJson(String topic) throws Exception {
        return JSON.readTree(next(topic));
    }

    /** The latest state that satisfies {@code test}, within 10 s. */
    private JsonNode stateWhere(java.util.function.Predicate<JsonNode> test) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            JsonNode s = nextJson(T.homeAssistantState("front-door"));
            if (test.test(s)) {
                return s;
            }
        }
        throw new AssertionError("no such state");
    }

    @Test
    void theDoorbellAppearsInHomeAssistantWithItsEntitiesAndEvents() throws Exception {
        startAgent(true);
        JsonNode d = nextJson(DISCOVERY);
        assertEquals(List.of("openbell_front-door"), List.of(d.at("/dev/ids/0").asText()));
        assertEquals("Front door", d.at("/dev/name").asText());
        assertEquals("Openbell", d.at("/dev/mf").asText());
        assertFalse(d.at("/dev/sw").asText().isBlank());
        assertEquals("Openbell", d.at("/o/name").asText(), "origin info");
        assertFalse(d.at("/o/sw").asText().isBlank());
        assertTrue(d.at("/o/url").asText().startsWith("https://"));
        JsonNode availability = d.at("/availability/0");
        assertEquals(T.presence("front-door"), availability.path("topic").asText(), "availability is the doorbell's presence (its Last Will)");
        assertEquals("{{ value_json.state }}", availability.path("value_template").asText());
        assertEquals("online", availability.path("payload_available").asText());
        assertEquals("offline", availability.path("payload_not_available").asText());
        Set<String> topLevel = new HashSet<>();
        d.fieldNames().forEachRemaining(topLevel::add);
        assertEquals(Set.of("dev", "o", "availability", "qos", "cmps"), topLevel);

        JsonNode cmps = d.path("cmps");
        Set<String> uniqueIds = new HashSet<>();
        for (var it = cmps.properties().iterator(); it.hasNext(); ) {
            var c = it.next();
            String platform = c.getValue().path("p").asText();
            assertTrue(OPTIONS.containsKey(platform), c.getKey() + ": platform " + platform);
            for (var keys = c.getValue().fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                assertTrue(COMMON.contains(key) || OPTIONS.get(platform).contains(key), c.getKey() + ": " + key + " is not a " + platform + " option");
            }
            for (String key : REQUIRED.get(platform)) {
                assertTrue(c.getValue().has(key), c.getKey() + " needs " + key);
            }
            assertTrue(uniqueIds.add(c.getValue().path("unique_id").asText()), "unique ids: " + c.getKey());
            assertTrue(c.getValue().path("unique_id").asText().startsWith("openbell_front-door_"));
        }
        assertEquals("event", cmps.at("/doorbell/p").asText());
        assertEquals("doorbell", cmps.at("/doorbell/device_class").asText(), "a doorbell's event entity");
        assertEquals("ring", cmps.at("/doorbell/event_types/0").asText(), "its event type ring, as Home Assistant requires");
        assertEquals(T.homeAssistantPicture("front-door"), cmps.at("/last_visitor/image_topic").asText());
        assertEquals("image/jpeg", cmps.at("/last_visitor/content_type").asText());
        assertEquals("binary_sensor", cmps.at("/call/p").asText());
        assertEquals(T.homeAssistantCommand("front-door", "chime-silent"), cmps.at("/chime_silent/command_topic").asText());
        assertEquals("enum", cmps.at("/last_ring/device_class").asText());
        assertEquals("select", cmps.at("/quick_reply/p").asText());
        assertEquals(T.homeAssistantCommand("front-door", "quick-reply"), cmps.at("/quick_reply/command_topic").asText());
        List<String> options = new java.util.ArrayList<>();
        cmps.at("/quick_reply/options").forEach(o -> options.add(o.asText()));
        assertEquals(List.of("Please leave it at the door", "I'm coming", "We can't come to the door", "No, thank you"), options,
                "the shipped replies, by label");

        // Picking a quick reply in Home Assistant plays it on the doorbell's speaker.
        ha.publish(Outgoing.qos1(T.homeAssistantCommand("front-door", "quick-reply"), "I'm coming".getBytes(StandardCharsets.UTF_8)))
                .get(5, TimeUnit.SECONDS);
        for (int i = 0; i < 200 && agent.status().replies().last() == null; i++) {
            Thread.sleep(25);
        }
        assertEquals("coming", agent.status().replies().last().replyId());
        assertEquals("home-assistant", agent.status().replies().last().via());

        // The presence the availability template reads: online.
        ha.subscribe(T.presence("front-door"), 1, (topic, payload) -> seen.add(Map.entry(topic, payload)));
        assertEquals("online", nextJson(T.presence("front-door")).path("state").asText());

        // A press: the doorbell event, and the state says ringing.
        ((SimulatedBoard) agent.board()).press();
        JsonNode event = nextJson(T.homeAssistantRing("front-door"));
        assertEquals("ring", event.path("event_type").asText());
        assertEquals(agent.ring().snapshot().ringId().orElseThrow(), event.path("ring_id").asText());
        assertEquals(1, event.path("presses").asInt());
        stateWhere(s -> s.path("ringing").asText().equals("ON"));
        // The picture of who rang, raw JPEG, retained for Home Assistant's image entity.
        byte[] picture = next(T.homeAssistantPicture("front-door"));
        assertTrue((picture[0] & 0xff) == 0xff && (picture[1] & 0xff) == 0xd8, "a JPEG");

        // Home Assistant restarts: discovery again.
        ha.publish(Outgoing.qos1("homeassistant/status", "online".getBytes(StandardCharsets.UTF_8))).get(5, TimeUnit.SECONDS);
        assertEquals("openbell_front-door_doorbell", nextJson(DISCOVERY).at("/cmps/doorbell/unique_id").asText());

        // Chime silent: the switch's state follows, the next press is quiet but still rings the phones.
        // (the first ring still rings: a second press re-notifies it)
        ha.publish(Outgoing.qos1(T.homeAssistantCommand("front-door", "chime-silent"), "ON".getBytes(StandardCharsets.UTF_8)))
                .get(5, TimeUnit.SECONDS);
        stateWhere(s -> s.path("chime_silent").asText().equals("ON"));
        int before = chimes.get();
        Thread.sleep(400); // past the button's lockout
        ((SimulatedBoard) agent.board()).press();
        assertEquals(2, nextJson(T.homeAssistantRing("front-door")).path("presses").asInt(), "the press is an event all the same");
        assertEquals(before, chimes.get(), "the chime stays silent");
        ha.publish(Outgoing.qos1(T.homeAssistantCommand("front-door", "chime-silent"), "maybe".getBytes(StandardCharsets.UTF_8)))
                .get(5, TimeUnit.SECONDS);
        ha.publish(Outgoing.qos1(T.homeAssistantCommand("front-door", "chime-silent"), "OFF".getBytes(StandardCharsets.UTF_8)))
                .get(5, TimeUnit.SECONDS);
        JsonNode on = stateWhere(s -> s.path("chime_silent").asText().equals("OFF"));
        assertEquals("ON", on.path("ringing").asText());
        assertTrue(agent.signaling().isConnected(), "a bad command is refused, nothing else");
    }

    @Test
    void turnedOffTheDoorbellIsRemovedFromHomeAssistantOnce() throws Exception {
        startAgent(true);
        nextJson(DISCOVERY);
        agent.close();
        agent = null;
        seen.clear();
        startAgent(false);
        assertEquals(0, next(DISCOVERY).length, "an empty retained discovery removes the device");
        for (int i = 0; i < 50 && java.nio.file.Files.exists(state.resolve("homeassistant-discovery")); i++) {
            Thread.sleep(100);
        }
        assertFalse(java.nio.file.Files.exists(state.resolve("homeassistant-discovery")), "removed once: not at every start");

        MqttLink late = MqttLink.start(MqttSettings.builder(broker.tcpUri(), "home-assistant-late").build());
        try {
            BlockingQueue<byte[]> retained = new LinkedBlockingQueue<>();
            late.subscribe(DISCOVERY, 1, (topic, payload) -> retained.add(payload));
            assertNull(retained.poll(1500, TimeUnit.MILLISECONDS), "nothing retained for a Home Assistant that starts later");
        } finally {
            late.close();
        }
        assertNotNull(agent);
    }
}
