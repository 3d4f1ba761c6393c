package org.openbell.agent.homeassistant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openbell.agent.chime.ChimeControl;
import org.openbell.agent.ring.RingSignals;
import org.openbell.agent.signaling.DeviceSignaling;
import org.openbell.signaling.LogSafe;
import org.openbell.signaling.Ring;
import org.openbell.signaling.RingEnded;
import org.openbell.signaling.Snapshot;
import org.openbell.signaling.Topics;
import org.openbell.signaling.access.AtomicFiles;
import org.openbell.signaling.access.BrokerAccess;
import org.openbell.signaling.mqtt.Outgoing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The doorbell as a Home Assistant device (docs/home-assistant.md): device-based MQTT discovery
 * ({@code <prefix>/device/openbell_<id>/config}, retained, with origin), published at every connect
 * and again when Home Assistant says {@code <prefix>/status online}; availability from the
 * doorbell's own presence (its Last Will says offline); a {@code doorbell} event on every accepted
 * press; the last visitor's picture; call, ringing, last ring and chime state; Pi sensors where the
 * board has them; the chime-silent switch, the door strike and the quick replies as its commands. Turned off, it removes what it once
 * announced (empty retained messages), once.
 */
public final class HomeAssistant implements RingSignals, AutoCloseable {

    /** What Home Assistant may command: the chime, the door strike, the quick replies. */
    public record Controls(ChimeControl chime, org.openbell.agent.door.DoorController door,
            org.openbell.agent.replies.QuickReplies replies) {
    }

    private static final Logger log = LoggerFactory.getLogger(HomeAssistant.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration STATE_EVERY = Duration.ofSeconds(60);
    static final Duration EVENT_EXPIRY = Duration.ofSeconds(30);
    /** When presence and state go out again after Home Assistant's birth message (it subscribes after the discovery). */
    static final java.util.List<Duration> REFRESH_AFTER_BIRTH = java.util.List.of(Duration.ofSeconds(3), Duration.ofSeconds(15));

    private final String deviceId;
    private final String deviceName;
    private final String version;
    private final String discoveryPrefix;
    private final Topics topics;
    private final DeviceSignaling signaling;
    private final ChimeControl chime;
    private final org.openbell.agent.door.DoorController door;
    private final org.openbell.agent.replies.QuickReplies replies;
    private final PiSensors sensors;
    private final boolean motionSensor;
    private final Path marker;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("openbell-home-assistant").factory());

    /** When the last refresh after a birth message was scheduled (System.nanoTime()). */
    private final java.util.concurrent.atomic.AtomicLong lastBirthRefresh = new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - Long.MAX_VALUE / 2);

    // Guarded by this.
    private boolean call;
    private boolean ringing;
    private boolean motion;
    private String lastOutcome = "none";
    private String lastBy;
    private String lastRingId;

    private HomeAssistant(String deviceId, String deviceName, String version, String discoveryPrefix, Topics topics,
            DeviceSignaling signaling, Controls controls, PiSensors sensors, boolean motionSensor, Path marker) {
        this.deviceId = deviceId;
        this.deviceName = deviceName;
        this.version = version;
        this.discoveryPrefix = discoveryPrefix;
        this.topics = topics;
        this.signaling = signaling;
        this.chime = controls.chime();
        this.door = controls.door();
        this.replies = controls.replies();
        this.sensors = sensors;
        this.motionSensor = motionSensor;
        this.marker = marker;
    }

    /** Announces the doorbell to Home Assistant on {@code signaling} (before it opens) and keeps its state there. */
    public static HomeAssistant start(String deviceId, String deviceName, String version, String discoveryPrefix, Topics topics,
            DeviceSignaling signaling, Controls controls, PiSensors sensors, boolean motionSensor, Path stateDir) {
        HomeAssistant ha = new HomeAssistant(deviceId, deviceName, version, discoveryPrefix, topics, signaling, controls, sensors,
                motionSensor, stateDir.resolve("homeassistant-discovery"));
        signaling.subscribeOther(discoveryPrefix + "/status", (topic, payload) -> ha.onHomeAssistantStatus(payload));
        signaling.subscribeOther(topics.homeAssistantCommandFilter(deviceId), ha::onCommand);
        signaling.onConnection((connected, cause) -> {
            if (connected) {
                ha.announce("connected");
            }
        });
        controls.chime().onChange(silent -> ha.publishState());
        ha.timer.scheduleWithFixedDelay(ha::publishState, STATE_EVERY.toSeconds(), STATE_EVERY.toSeconds(), TimeUnit.SECONDS);
        log.info("Home Assistant: discovery on {} ({} components)", BrokerAccess.discoveryTopic(discoveryPrefix, deviceId),
                ha.discovery().path("cmps").size());
        return ha;
    }

    /**
     * Home Assistant is off: if it was once on (the marker in the state folder), remove the device
     * and its retained state once connected, then forget it.
     */
    public static void removeIfAnnounced(String deviceId, Topics topics, DeviceSignaling signaling, Path stateDir) {
        Path marker = stateDir.resolve("homeassistant-discovery");
        if (!Files.exists(marker)) {
            return;
        }
        String discoveryTopic;
        try {
            discoveryTopic = Files.readString(marker).strip();
        } catch (IOException e) {
            log.warn("Home Assistant: {} unreadable ({}); nothing removed", marker, e.toString());
            return;
        }
        signaling.onConnection((connected, cause) -> {
            if (!connected || !Files.exists(marker)) {
                return;
            }
            for (String topic : java.util.List.of(discoveryTopic, topics.homeAssistantState(deviceId), topics.homeAssistantPicture(deviceId))) {
                signaling.publishOther(Outgoing.qos1(topic, new byte[0]).asRetained()).whenComplete((ok, failure) -> {
                    if (failure == null && topic.equals(discoveryTopic)) {
                        try {
                            Files.deleteIfExists(marker);
                            log.info("Home Assistant: off; the doorbell was removed from it ({})", LogSafe.text(discoveryTopic));
                        } catch (IOException e) {
                            log.warn("Home Assistant: could not delete {}: {}", marker, e.toString());
                        }
                    }
                });
            }
        });
    }

    /** The device-based discovery payload (Home Assistant 2024.12 and later). */
    ObjectNode discovery() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode dev = root.putObject("dev");
        dev.putArray("ids").add("openbell_" + deviceId);
        dev.put("name", deviceName).put("mf", "Openbell").put("mdl", "Openbell doorbell").put("sw", version);
        root.putObject("o").put("name", "Openbell").put("sw", version).put("url", "https://github.com/openbell/openbell");
        ObjectNode availability = root.putArray("availability").addObject();
        availability.put("topic", topics.presence(deviceId)).put("value_template", "{{ value_json.state }}")
                .put("payload_available", "online").put("payload_not_available", "offline");
        root.put("qos", 1);
        ObjectNode cmps = root.putObject("cmps");
        String state = topics.homeAssistantState(deviceId);
        component(cmps, "doorbell", "event", "Doorbell").put("device_class", "doorbell")
                .put("state_topic", topics.homeAssistantRing(deviceId)).putArray("event_types").add("ring");
        component(cmps, "last_visitor", "image", "Last visitor").put("image_topic", topics.homeAssistantPicture(deviceId))
                .put("content_type", "image/jpeg");
        component(cmps, "call", "binary_sensor", "Call in progress").put("state_topic", state)
                .put("value_template", "{{ value_json.call }}").put("payload_on", "ON").put("payload_off", "OFF");
        component(cmps, "ringing", "binary_sensor", "Ringing").put("state_topic", state)
                .put("value_template", "{{ value_json.ringing }}").put("payload_on", "ON").put("payload_off", "OFF");
        ObjectNode last = component(cmps, "last_ring", "sensor", "Last ring").put("device_class", "enum").put("state_topic", state)
                .put("value_template", "{{ value_json.last_ring }}").put("json_attributes_topic", state)
                .put("json_attributes_template", "{{ {'by': value_json.last_by, 'ring_id': value_json.last_ring_id} | tojson }}");
        last.putArray("options").add("none").add("answered").add("declined").add("missed");
        component(cmps, "chime_silent", "switch", "Chime silent").put("icon", "mdi:bell-off")
                .put("command_topic", topics.homeAssistantCommand(deviceId, "chime-silent")).put("state_topic", state)
                .put("value_template", "{{ value_json.chime_silent }}").put("payload_on", "ON").put("payload_off", "OFF")
                .put("state_on", "ON").put("state_off", "OFF");
        if (motionSensor) {
            component(cmps, "motion", "binary_sensor", "Motion").put("device_class", "motion").put("state_topic", state)
                    .put("value_template", "{{ value_json.motion }}").put("payload_on", "ON").put("payload_off", "OFF");
        }
        if (door.configured()) {
            component(cmps, "open_door", "button", "Open door").put("icon", "mdi:door-open")
                    .put("command_topic", topics.homeAssistantCommand(deviceId, "open-door")).put("payload_press", "PRESS");
        }
        if (!replies.list().isEmpty()) {
            // Optimistic (no state topic): Home Assistant shows the reply last picked; picking one plays it.
            ArrayNode options = component(cmps, "quick_reply", "select", "Quick reply").put("icon", "mdi:account-voice")
                    .put("command_topic", topics.homeAssistantCommand(deviceId, "quick-reply")).putArray("options");
            replies.list().forEach(r -> options.add(r.label()));
        }
        if (sensors.cpuTemperature().isPresent()) {
            component(cmps, "cpu_temperature", "sensor", "CPU temperature").put("device_class", "temperature")
                    .put("unit_of_measurement", "°C").put("state_class", "measurement").put("entity_category", "diagnostic")
                    .put("state_topic", state).put("value_template", "{{ value_json.cpu_temperature }}");
        }
        if (sensors.wifiSignal().isPresent()) {
            component(cmps, "wifi_signal", "sensor", "Wi-Fi signal").put("device_class", "signal_strength")
                    .put("unit_of_measurement", "dBm").put("state_class", "measurement").put("entity_category", "diagnostic")
                    .put("state_topic", state).put("value_template", "{{ value_json.wifi_signal }}");
        }
        if (sensors.uptime().isPresent()) {
            component(cmps, "uptime", "sensor", "Uptime").put("device_class", "duration").put("unit_of_measurement", "s")
                    .put("entity_category", "diagnostic").put("state_topic", state).put("value_template", "{{ value_json.uptime }}");
        }
        return root;
    }

    private ObjectNode component(ObjectNode cmps, String key, String platform, String name) {
        return cmps.putObject(key).put("p", platform).put("name", name).put("unique_id", "openbell_" + deviceId + "_" + key);
    }

    /** The state topic's JSON now. */
    synchronized ObjectNode state() {
        ObjectNode s = JSON.createObjectNode();
        if (motionSensor) {
            s.put("motion", motion ? "ON" : "OFF");
        }
        s.put("call", call ? "ON" : "OFF").put("ringing", ringing ? "ON" : "OFF").put("chime_silent", chime.silent() ? "ON" : "OFF")
                .put("last_ring", lastOutcome).put("last_by", lastBy).put("last_ring_id", lastRingId);
        sensors.cpuTemperature().ifPresent(t -> s.put("cpu_temperature", Math.round(t * 10) / 10.0));
        sensors.wifiSignal().ifPresent(w -> s.put("wifi_signal", w));
        sensors.uptime().ifPresent(u -> s.put("uptime", u.toSeconds()));
        return s;
    }

    private void announce(String why) {
        String topic = BrokerAccess.discoveryTopic(discoveryPrefix, deviceId);
        signaling.publishOther(Outgoing.qos1(topic, bytes(discovery())).asRetained()).whenComplete((ok, failure) -> {
            if (failure != null) {
                log.warn("Home Assistant: discovery not published ({}): {}", why, failure.toString());
                return;
            }
            log.info("Home Assistant: discovery published ({})", why);
            try {
                if (!Files.exists(marker)) {
                    AtomicFiles.write(marker, topic + "\n", false);
                }
            } catch (IOException e) {
                log.warn("Home Assistant: could not note the discovery in {}: {}", marker, e.toString());
            }
        });
        publishState();
    }

    private void onHomeAssistantStatus(byte[] payload) {
        String status = new String(payload, StandardCharsets.UTF_8).strip();
        if (status.equals("online")) {
            announce("Home Assistant came online");
            // Home Assistant subscribes to the entities' topics only once it has read the discovery. On
            // a cluster (RabbitMQ: retained messages per node) it may be on a node whose store never
            // had the doorbell's presence and state: it would show the doorbell unavailable until the
            // next reconnect. So both go out again, live, once it has had time to subscribe.
            long now = System.nanoTime();
            if (now - lastBirthRefresh.getAndSet(now) < REFRESH_AFTER_BIRTH.getLast().toNanos()) {
                return; // already on its way (a birth message again and again is not more work)
            }
            for (Duration after : REFRESH_AFTER_BIRTH) {
                try {
                    timer.schedule(() -> {
                        signaling.republishPresence();
                        publishState();
                    }, after.toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    return; // closed
                }
            }
        } else if (!status.equals("offline")) {
            log.info("Home Assistant: ignored the status '{}' (online or offline expected)", LogSafe.text(status));
        }
    }

    private void onCommand(String topic, byte[] payload) {
        String command = topic.substring(topic.lastIndexOf('/') + 1);
        String value = new String(payload, StandardCharsets.UTF_8).strip();
        if (command.equals("chime-silent") && (value.equals("ON") || value.equals("OFF"))) {
            chime.setSilent(value.equals("ON"));
            publishState(); // also when nothing changed: Home Assistant's switch waits for the state
            return;
        }
        if (command.equals("open-door") && value.equals("PRESS")) {
            door.open("home-assistant", "home-assistant").ifPresent(why ->
                    log.info("Home Assistant: the door was not opened ({})", why.wireName()));
            return;
        }
        if (command.equals("quick-reply")) {
            java.util.Optional<String> reply = replies.idOfLabel(value);
            if (reply.isPresent()) {
                replies.play(reply.get(), "home-assistant", "home-assistant").thenAccept(refused -> refused.ifPresent(why ->
                        log.info("Home Assistant: the quick reply was not played ({})", why.wireName())));
                return;
            }
        }
        log.warn("Home Assistant: refused the command {} = '{}' (known: chime-silent ON or OFF, open-door PRESS, quick-reply LABEL)",
                LogSafe.text(command),
                LogSafe.text(value.length() > 40 ? value.substring(0, 40) + "..." : value));
    }

    /** A press (the first or a repeat): the doorbell event. */
    @Override
    public void ringStarted(Ring ring) {
        ObjectNode event = JSON.createObjectNode().put("event_type", "ring").put("ring_id", ring.ringId()).put("presses", ring.presses());
        signaling.publishOther(Outgoing.qos1(topics.homeAssistantRing(deviceId), bytes(event)).expiringAt(ring.at().plus(EVENT_EXPIRY)));
        synchronized (this) {
            ringing = true;
        }
        publishState();
    }

    @Override
    public void ringEnded(RingEnded ended) {
        synchronized (this) {
            ringing = false;
            lastOutcome = switch (ended.outcome()) {
                case ANSWERED -> "answered";
                case DECLINED -> "declined";
                case TIMED_OUT -> "missed";
            };
            lastBy = ended.by().orElse(null);
            lastRingId = ended.ringId();
        }
        publishState();
    }

    /** The PIR sensor's motion started or ended. */
    public void motion(boolean on) {
        synchronized (this) {
            motion = on;
        }
        publishState();
    }

    /** Whether a call or live view is on. */
    public void callOn(boolean on) {
        synchronized (this) {
            if (call == on) {
                return;
            }
            call = on;
        }
        publishState();
    }

    /** The last visitor's picture, for the image entity (retained: Home Assistant shows it after its own restart). */
    public void picture(Snapshot snapshot) {
        publishWhileConnected(Outgoing.qos1(topics.homeAssistantPicture(deviceId), snapshot.jpeg()).asRetained());
    }

    /**
     * Retained messages carry no expiry (they would vanish from the broker), so during an outage
     * they would pile up in the outbox, whose oldest message, when full, is dropped: it could be a
     * waiting ring. They go out only while connected; each connect announces the state again.
     */
    private void publishWhileConnected(Outgoing message) {
        if (signaling.isConnected()) {
            signaling.publishOther(message);
        }
    }

    /** Off the calling thread (a ring's): the sensors are files to read. */
    private void publishState() {
        try {
            timer.execute(() -> publishWhileConnected(Outgoing.qos1(topics.homeAssistantState(deviceId), bytes(state())).asRetained()));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("Home Assistant: closed; state not published");
        }
    }

    private static byte[] bytes(ObjectNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
