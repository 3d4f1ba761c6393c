package org.openbell.agent.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openbell.signaling.access.RabbitMqPermissions;
import org.openbell.signaling.mqtt.MqttLink;
import org.openbell.signaling.mqtt.MqttSettings;
import org.openbell.signaling.mqtt.Outgoing;

/**
 * What Home Assistant's MQTT integration does on a broker, as a test driver: subscribes to discovery
 * with its two wildcard filters, says {@code homeassistant/status online} (its birth message, not
 * retained), and on a device's discovery subscribes to the topics it names (availability, state).
 */
final class SimulatedHomeAssistant implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final MqttLink link;
    private final Map<String, BlockingQueue<String>> byTopic = new ConcurrentHashMap<>();

    SimulatedHomeAssistant(String brokerUri, String username, String password) throws InterruptedException {
        link = MqttLink.start(MqttSettings.builder(brokerUri, "home-assistant-" + System.nanoTime())
                .username(username).password(password).backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build());
        for (String filter : RabbitMqPermissions.homeAssistantDiscoveryFilters("homeassistant")) {
            link.subscribe(filter, 0, this::received);
        }
        for (int i = 0; i < 400 && !link.isConnected(); i++) {
            Thread.sleep(25);
        }
    }

    private void received(String topic, byte[] payload) {
        byTopic.computeIfAbsent(topic, t -> new LinkedBlockingQueue<>()).add(new String(payload, StandardCharsets.UTF_8));
    }

    private String next(String topic, Duration within) throws InterruptedException {
        String m = byTopic.computeIfAbsent(topic, t -> new LinkedBlockingQueue<>()).poll(within.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("Home Assistant received nothing on " + topic + " within " + within);
        }
        return m;
    }

    void comeOnline() throws Exception {
        link.publish(Outgoing.qos1("homeassistant/status", "online".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
    }

    /** The device's discovery payload, once it arrives on {@code topic}. */
    JsonNode discovered(String topic) throws Exception {
        return JSON.readTree(next(topic, Duration.ofSeconds(20)));
    }

    private String availabilityTopic;
    private String stateTopic;

    /** Subscribes to the availability and state topics {@code discovery} names, as Home Assistant sets up the entities. */
    void subscribeToEntities(JsonNode discovery) {
        availabilityTopic = discovery.path("availability").path(0).path("topic").asText();
        stateTopic = discovery.path("cmps").path("chime_silent").path("state_topic").asText();
        link.subscribe(availabilityTopic, 1, this::received);
        link.subscribe(stateTopic, 1, this::received);
    }

    /** The availability Home Assistant shows: the presence's {@code state}, once it has one (within 20 s). */
    String availability() throws Exception {
        return JSON.readTree(next(availabilityTopic, Duration.ofSeconds(20))).path("state").asText();
    }

    JsonNode state() throws Exception {
        return JSON.readTree(next(stateTopic, Duration.ofSeconds(20)));
    }

    @Override
    public void close() {
        link.close();
    }
}
