package org.openbell.agent.push;

import java.time.Instant;
import java.util.Objects;
import org.openbell.signaling.Ids;
import org.openbell.signaling.PushFormats;

/**
 * One phone's Web Push subscription, as its browser made it, registered by owner {@code ownerId}:
 * the push service {@code endpoint}, the phone's P-256 key {@code p256dh} and {@code auth} secret
 * (base64url, as in {@code PushSubscription.toJSON()}).
 */
public record PushSubscription(String ownerId, String endpoint, String p256dh, String auth, Instant since) {

    public PushSubscription {
        Ids.requireValid("ownerId", ownerId);
        if (!PushFormats.isEndpoint(endpoint) || !PushFormats.isP256Key(p256dh) || !PushFormats.isAuthSecret(auth)) {
            throw new IllegalArgumentException("not a push subscription of the protocol's shape");
        }
        Objects.requireNonNull(since, "since");
    }

    /** The endpoint for logs: scheme and host only (the path is the phone's capability to be woken). */
    public String service() {
        return serviceOf(endpoint);
    }

    /** Scheme and host of an endpoint, for logs. */
    static String serviceOf(String endpoint) {
        int slash = endpoint.indexOf('/', "https://".length());
        return slash < 0 ? endpoint : endpoint.substring(0, slash);
    }

    @Override
    public String toString() {
        return "PushSubscription[" + ownerId + ", " + service() + "]";
    }
}
