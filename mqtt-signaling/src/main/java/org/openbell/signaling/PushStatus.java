package org.openbell.signaling;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The device's answer to {@code push-subscribe} / {@code push-unsubscribe}, to that owner alone:
 * whether rings will reach {@code endpoint} by Web Push, and if not, why.
 */
public record PushStatus(String deviceId, String endpoint, State state, Optional<Reason> reason, Instant at) implements Message {

    public enum State implements WireEnum { SUBSCRIBED, UNSUBSCRIBED, REFUSED }

    /** Why a subscription was refused. */
    public enum Reason implements WireEnum {
        /** Not https, not a known push service, or a private/loopback address. */
        ENDPOINT_NOT_ALLOWED,
        /** {@code p256dh} is not a point on the P-256 curve. */
        BAD_KEY,
        /** Web Push is turned off on this doorbell. */
        PUSH_OFF,
        /** The doorbell could not store it (its disk is full or read-only). */
        NOT_STORED
    }

    public PushStatus {
        Ids.requireValid("deviceId", deviceId);
        PushFormats.requireEndpoint(endpoint);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        if (reason.isPresent() != (state == State.REFUSED)) {
            throw new IllegalArgumentException("push-status needs a reason exactly when refused");
        }
        at = Times.require("at", at);
    }

    @Override
    public MessageType type() {
        return MessageType.PUSH_STATUS;
    }
}
