package org.openbell.signaling.mqtt;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A message to publish. Immutable (the payload is copied in and out).
 *
 * @param expiresAt after this instant the message must not be delivered: it is dropped from the
 *                  outbox, and the MQTT 5 Message Expiry Interval makes the broker drop it too
 */
public record Outgoing(String topic, byte[] payload, int qos, boolean retained, Optional<Instant> expiresAt) {

    public Outgoing {
        Objects.requireNonNull(topic, "topic");
        if (topic.isEmpty() || topic.contains("+") || topic.contains("#")) {
            throw new IllegalArgumentException("a publish topic must be non-empty and without wildcards, was \"" + topic + "\"");
        }
        payload = Objects.requireNonNull(payload, "payload").clone();
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, was " + qos);
        }
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public static Outgoing qos0(String topic, byte[] payload) {
        return new Outgoing(topic, payload, 0, false, Optional.empty());
    }

    public static Outgoing qos1(String topic, byte[] payload) {
        return new Outgoing(topic, payload, 1, false, Optional.empty());
    }

    /** The same message, retained by the broker. */
    public Outgoing asRetained() {
        return new Outgoing(topic, payload, qos, true, expiresAt);
    }

    /** The same message, not to be delivered after {@code deadline}. */
    public Outgoing expiringAt(Instant deadline) {
        return new Outgoing(topic, payload, qos, retained, Optional.of(deadline));
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Outgoing other && topic.equals(other.topic) && java.util.Arrays.equals(payload, other.payload)
                && qos == other.qos && retained == other.retained && expiresAt.equals(other.expiresAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, java.util.Arrays.hashCode(payload), qos, retained, expiresAt);
    }

    @Override
    public String toString() {
        return "Outgoing[" + topic + ", " + payload.length + " bytes, qos " + qos + (retained ? ", retained" : "")
                + expiresAt.map(t -> ", expires " + t).orElse("") + "]";
    }
}
