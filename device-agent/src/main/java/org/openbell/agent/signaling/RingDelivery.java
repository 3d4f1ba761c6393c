package org.openbell.agent.signaling;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What became of the latest ring message at the broker: pressed at {@code pressedAt} (the
 * button's first edge), made into a message at {@code madeAt} (handed to the MQTT link), taken by
 * the broker (its PUBACK) at {@code brokerTookAt}, or refused or lost ({@code failure}); neither
 * yet while it waits in the outbox (the broker is away).
 */
public record RingDelivery(String ringId, Instant pressedAt, Instant madeAt, Optional<Instant> brokerTookAt,
        Optional<String> failure) {

    static RingDelivery waiting(String ringId, Instant pressedAt, Instant madeAt) {
        return new RingDelivery(ringId, pressedAt, madeAt, Optional.empty(), Optional.empty());
    }

    RingDelivery took(Instant at) {
        return new RingDelivery(ringId, pressedAt, madeAt, Optional.of(at), Optional.empty());
    }

    RingDelivery failed(String why) {
        return new RingDelivery(ringId, pressedAt, madeAt, Optional.empty(), Optional.of(why));
    }

    /** From the press to the ring message handed to the MQTT link (debounce, the ring controller). */
    public Duration pressToMessage() {
        return Duration.between(pressedAt, madeAt);
    }

    /** From the press to the broker's acknowledgement, once it came. */
    public Optional<Duration> pressToBroker() {
        return brokerTookAt.map(at -> Duration.between(pressedAt, at));
    }
}
