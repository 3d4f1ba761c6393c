package org.openbell.signaling.mqtt;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How an {@link MqttLink} connects. Built with {@link #builder}; {@link #toString()} never shows
 * the password.
 *
 * @param serverUris     the broker, or the nodes of a clustered broker in the order tried: a link
 *                       that cannot connect, or loses its connection, tries the next one (with the
 *                       same backoff), and stays on the one that works
 * @param sessionExpiry  how long the broker keeps the session while disconnected (Clean Start is always off)
 * @param backoffInitial first reconnect delay; doubles per failure up to {@code backoffMax}, jittered
 * @param will           the Last Will, published by the broker if the connection dies; made anew for
 *                       every connection attempt (so it can carry that moment)
 * @param birth          published after every successful connect, before queued messages; made anew each time
 * @param maxQueued      messages kept while disconnected; the oldest is dropped beyond this
 * @param caFile         for {@code ssl://} and {@code wss://}: the PEM certificates to trust (else the
 *                       JDK's trust store); the broker's name is always checked against its certificate
 * @param maxPacketSize  the largest MQTT packet this client takes, sent as Maximum Packet Size in CONNECT:
 *                       an MQTT 5 broker discards a bigger message for this client instead of sending it
 * @param ackTimeout     a QoS 1 publish not acknowledged within this takes the connection as dead (a
 *                       silent link): it is dropped, a new one made and the message sent again
 * @param liveBackoffMax while a message with a deadline waits in the outbox, reconnect attempts are at
 *                       most this far apart (a ring must not wait out a long backoff)
 */
public record MqttSettings(java.util.List<String> serverUris, String clientId, Optional<String> username, Optional<String> password,
        Duration sessionExpiry, Duration keepAlive, Duration connectTimeout, Duration backoffInitial, Duration backoffMax,
        Optional<java.util.function.Supplier<Outgoing>> will, Optional<java.util.function.Supplier<Outgoing>> birth, int maxQueued, Optional<java.nio.file.Path> caFile,
        long maxPacketSize, Duration ackTimeout, Duration liveBackoffMax) {

    /** Protocol payloads are at most 64 KiB; the rest is room for the topic and properties. */
    public static final long DEFAULT_MAX_PACKET_SIZE = 65536 + 1024;

    public MqttSettings {
        Objects.requireNonNull(serverUris, "serverUris");
        serverUris = java.util.List.copyOf(serverUris);
        if (serverUris.isEmpty() || serverUris.size() > 16) {
            throw new IllegalArgumentException("1-16 broker URIs, was " + serverUris.size());
        }
        for (String serverUri : serverUris) {
            if (!serverUri.matches("(tcp|ssl|ws|wss)://.+")) {
                throw new IllegalArgumentException("serverUri must start with tcp://, ssl://, ws:// or wss://, was \"" + serverUri + "\"");
            }
        }
        if (serverUris.stream().distinct().count() != serverUris.size()) {
            throw new IllegalArgumentException("the broker URIs must differ: " + serverUris);
        }
        Objects.requireNonNull(clientId, "clientId");
        if (clientId.isEmpty() || clientId.length() > 128) {
            throw new IllegalArgumentException("clientId must be 1-128 characters");
        }
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        requireNonNegative("sessionExpiry", sessionExpiry);
        if (sessionExpiry.toSeconds() > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("sessionExpiry is too long");
        }
        requireNonNegative("keepAlive", keepAlive);
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("backoffInitial", backoffInitial);
        requirePositive("backoffMax", backoffMax);
        if (backoffInitial.compareTo(backoffMax) > 0) {
            throw new IllegalArgumentException("backoffInitial must not exceed backoffMax");
        }
        Objects.requireNonNull(will, "will");
        Objects.requireNonNull(birth, "birth");
        if (maxQueued < 1) {
            throw new IllegalArgumentException("maxQueued must be at least 1, was " + maxQueued);
        }
        Objects.requireNonNull(caFile, "caFile");
        if (maxPacketSize < 1024 || maxPacketSize > 268_435_455L) {
            throw new IllegalArgumentException("maxPacketSize must be 1024..268435455 bytes, was " + maxPacketSize);
        }
        requirePositive("ackTimeout", ackTimeout);
        requirePositive("liveBackoffMax", liveBackoffMax);
    }

    /** The first broker URI (the only one without failover). */
    public String serverUri() {
        return serverUris.getFirst();
    }

    /** Whether a connection to {@code uri} is encrypted (ssl:// or wss://). */
    public static boolean tls(String uri) {
        return uri.startsWith("ssl://") || uri.startsWith("wss://");
    }

    /** Whether any connection is encrypted (ssl:// or wss://). */
    public boolean tls() {
        return serverUris.stream().anyMatch(MqttSettings::tls);
    }

    public static Builder builder(String serverUri, String clientId) {
        return new Builder(java.util.List.of(serverUri), clientId);
    }

    /** Settings for a clustered broker: {@code serverUris} tried in turn (see {@link MqttSettings}). */
    public static Builder builder(java.util.List<String> serverUris, String clientId) {
        return new Builder(serverUris, clientId);
    }

    @Override
    public String toString() {
        return "MqttSettings[" + String.join(" | ", serverUris) + ", clientId=" + clientId + ", username=" + username.orElse("none")
                + ", password=" + (password.isPresent() ? "***" : "none") + ", sessionExpiry=" + sessionExpiry
                + ", keepAlive=" + keepAlive + ", backoff=" + backoffInitial + ".." + backoffMax + "]";
    }

    private static void requireNonNegative(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.isNegative()) {
            throw new IllegalArgumentException(field + " must not be negative, was " + d);
        }
    }

    private static void requirePositive(String field, Duration d) {
        requireNonNegative(field, d);
        if (d.isZero()) {
            throw new IllegalArgumentException(field + " must be positive");
        }
    }

    /**
     * Builds {@link MqttSettings}; defaults: session 1 day, keep-alive 30 s, connect timeout 10 s, backoff
     * 250 ms..30 s (1 s while a message with a deadline waits), 1000 queued, packets up to
     * {@link #DEFAULT_MAX_PACKET_SIZE}, acknowledgements within 5 s.
     */
    public static final class Builder {
        private final java.util.List<String> serverUris;
        private final String clientId;
        private Optional<String> username = Optional.empty();
        private Optional<String> password = Optional.empty();
        private Duration sessionExpiry = Duration.ofDays(1);
        private Duration keepAlive = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration backoffInitial = Duration.ofMillis(250);
        private Duration backoffMax = Duration.ofSeconds(30);
        private Optional<java.util.function.Supplier<Outgoing>> will = Optional.empty();
        private Optional<java.util.function.Supplier<Outgoing>> birth = Optional.empty();
        private int maxQueued = 1000;
        private Optional<java.nio.file.Path> caFile = Optional.empty();
        private long maxPacketSize = DEFAULT_MAX_PACKET_SIZE;
        private Duration ackTimeout = Duration.ofSeconds(5);
        private Duration liveBackoffMax = Duration.ofSeconds(1);

        private Builder(java.util.List<String> serverUris, String clientId) {
            this.serverUris = serverUris;
            this.clientId = clientId;
        }

        /** The PEM file of the certificate authority (or authorities) that signed the broker's certificate. */
        public Builder caFile(java.nio.file.Path value) {
            caFile = Optional.of(value);
            return this;
        }

        public Builder username(String value) {
            username = Optional.of(value);
            return this;
        }

        public Builder password(String value) {
            password = Optional.of(value);
            return this;
        }

        public Builder sessionExpiry(Duration value) {
            sessionExpiry = value;
            return this;
        }

        public Builder keepAlive(Duration value) {
            keepAlive = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            connectTimeout = value;
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            backoffInitial = initial;
            backoffMax = max;
            return this;
        }

        public Builder will(Outgoing value) {
            will = Optional.of(() -> value);
            return this;
        }

        /** A Last Will made at each connection attempt. */
        public Builder will(java.util.function.Supplier<Outgoing> value) {
            will = Optional.of(value);
            return this;
        }

        public Builder birth(Outgoing value) {
            birth = Optional.of(() -> value);
            return this;
        }

        /** A birth message made after each successful connect. */
        public Builder birth(java.util.function.Supplier<Outgoing> value) {
            birth = Optional.of(value);
            return this;
        }

        public Builder maxQueued(int value) {
            maxQueued = value;
            return this;
        }

        public Builder maxPacketSize(long bytes) {
            maxPacketSize = bytes;
            return this;
        }

        public Builder ackTimeout(Duration value) {
            ackTimeout = value;
            return this;
        }

        public Builder liveBackoffMax(Duration value) {
            liveBackoffMax = value;
            return this;
        }

        public MqttSettings build() {
            return new MqttSettings(serverUris, clientId, username, password, sessionExpiry, keepAlive, connectTimeout,
                    backoffInitial, backoffMax, will, birth, maxQueued, caFile, maxPacketSize, ackTimeout, liveBackoffMax);
        }
    }
}
