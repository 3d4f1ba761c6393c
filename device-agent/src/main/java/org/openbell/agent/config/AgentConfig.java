package org.openbell.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.openbell.agent.broker.EmbeddedBrokerConfig;
import org.openbell.agent.call.MediaConfig;
import org.openbell.agent.push.PushConfig;
import org.openbell.hardware.HardwareConfig;

/**
 * Everything the agent is configured with, one record per concern; {@link ConfigLoader} reads
 * it from the YAML file documented in {@code config/openbell.example.yml}.
 */
public record AgentConfig(
        DeviceConfig device,
        HardwareConfig hardware,
        RingConfig ring,
        MqttConfig mqtt,
        EmbeddedBrokerConfig embeddedBroker,
        WebConfig web,
        MediaConfig media,
        PairingConfig pairing,
        PushConfig push,
        HistoryConfig history,
        HomeAssistantConfig homeAssistant,
        Path stateDir) {

    public AgentConfig {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(hardware, "hardware");
        Objects.requireNonNull(ring, "ring");
        Objects.requireNonNull(mqtt, "mqtt");
        Objects.requireNonNull(embeddedBroker, "embeddedBroker");
        Objects.requireNonNull(web, "web");
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(pairing, "pairing");
        Objects.requireNonNull(push, "push");
        Objects.requireNonNull(stateDir, "stateDir");
    }

    /**
     * Pairing owners' phones (with an access-controlled broker: {@code mqtt.username} set).
     * {@code codeTtl}: how long a pairing code stays valid; {@code failuresPerMinute}: wrong codes
     * tried per minute before every redemption is refused until the minute has passed.
     */
    public record PairingConfig(Duration codeTtl, int failuresPerMinute) {
    }

    /**
     * Whether owners pair their phones (the broker has per-owner accounts), rather than an open demo
     * broker: an external broker with an account for the doorbell, or the embedded broker unless
     * {@code embeddedBroker.anonymous} is set.
     */
    public boolean pairingEnabled() {
        return mqtt.brokerUri().isPresent() ? mqtt.username().isPresent() : !embeddedBroker.anonymous();
    }

    /** Whether owners are paired through a registrar on an external broker (rather than by the embedded broker). */
    public boolean externalRegistrar() {
        return mqtt.brokerUri().isPresent() && pairingEnabled();
    }

    /** The doorbell's identity. */
    public record DeviceConfig(String id, String name) {
    }

    /** How a ring behaves. */
    /** {@code quietHours}: when the chime stays silent (a ring still reaches the phones), on the doorbell's local clock. */
    public record RingConfig(Duration timeout, Optional<QuietHours> quietHours) {
    }

    /** A daily window, {@code from} (inclusive) to {@code to} (exclusive); past midnight when {@code to} is earlier. */
    public record QuietHours(java.time.LocalTime from, java.time.LocalTime to) {
        public QuietHours {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            if (from.equals(to)) {
                throw new IllegalArgumentException("quiet hours from and to must differ");
            }
        }

        public boolean contains(java.time.LocalTime time) {
            return from.isBefore(to) ? !time.isBefore(from) && time.isBefore(to) : !time.isBefore(from) || time.isBefore(to);
        }

        @Override
        public String toString() {
            return from + "-" + to;
        }
    }

    /** Home Assistant MQTT discovery (docs/home-assistant.md): off unless {@code enabled}. */
    public record HomeAssistantConfig(boolean enabled, String discoveryPrefix) {
        public static final HomeAssistantConfig OFF = new HomeAssistantConfig(false, "homeassistant");
    }

    /** The visit history: at most {@code maxVisits} rings (1-200), none older than {@code maxAge}. */
    public record HistoryConfig(int maxVisits, Duration maxAge) {
        public static final HistoryConfig DEFAULTS = new HistoryConfig(200, Duration.ofDays(30));
    }

    /**
     * The broker connection. An empty {@code brokerUri} means: start the embedded broker.
     * {@code webSocketUrl} is what owners' browsers connect to ({@code {host}} = the page's host).
     * {@code caFile}: for ssl:// and wss:// brokers, the PEM certificate authority to trust instead
     * of the JDK's trust store (the broker's host name is checked either way).
     */
    public record MqttConfig(
            java.util.List<String> brokerUris,
            Optional<String> username,
            Optional<String> password,
            String topicPrefix,
            java.util.List<String> webSocketUrls,
            Duration keepAlive,
            Duration sessionExpiry,
            Duration reconnectMin,
            Duration reconnectMax,
            Optional<Path> caFile,
            Optional<String> clientId) {

        public MqttConfig {
            brokerUris = java.util.List.copyOf(brokerUris);
            webSocketUrls = java.util.List.copyOf(webSocketUrls);
        }

        /** What browsers connect to first (a clustered broker's first node), if configured. */
        public Optional<String> webSocketUrl() {
            return webSocketUrls.isEmpty() ? Optional.empty() : Optional.of(webSocketUrls.getFirst());
        }

        /** The external broker (its first node, for a cluster), if one is configured; else the embedded one runs. */
        public Optional<String> brokerUri() {
            return brokerUris.isEmpty() ? Optional.empty() : Optional.of(brokerUris.getFirst());
        }

        @Override
        public String toString() {
            return "MqttConfig[brokerUris=" + brokerUris + ", username=" + username + ", clientId=" + (clientId.isPresent() ? "***" : "default")
                    + ", password=" + (password.isPresent() ? "***" : "none") + ", topicPrefix=" + topicPrefix

                    + ", webSocketUrls=" + webSocketUrls + ", caFile=" + caFile + "]";
        }
    }

    /**
     * The HTTPS server for the owner app. No keystore: a self-signed one is generated.
     * {@code ownerAppUrl}: where a copy of the owner app is hosted for use away from home (the
     * doorbell's page offers a link to it with the phone's settings).
     */
    public record WebConfig(String bind, int port, Optional<Path> keystore, Optional<String> keystorePassword,
            Optional<String> ownerAppUrl) {

        @Override
        public String toString() {
            return "WebConfig[bind=" + bind + ", port=" + port + ", keystore=" + keystore + ", ownerAppUrl=" + ownerAppUrl + "]";
        }
    }
}
