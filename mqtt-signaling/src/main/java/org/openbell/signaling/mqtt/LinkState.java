package org.openbell.signaling.mqtt;

import java.util.EnumSet;
import java.util.Set;

/**
 * The lifecycle of an {@link MqttLink}. Every change goes through {@code MqttLink.transition()},
 * which refuses any change not listed here:
 *
 * <pre>
 *   DISCONNECTED --connect()--> CONNECTING --CONNACK, socket still open--> CONNECTED
 *        ^                          |                                        |
 *        +---- attempt failed, -----+                                        |
 *        |     timed out, or the socket closed before we saw the CONNACK    |
 *        +---------------- connection lost, or a publish not acknowledged --+
 *                          within the ack timeout (a silent link)
 *   any --close()--> CLOSED (final)
 * </pre>
 *
 * Each attempt uses a fresh Paho client; events from an earlier attempt's client are ignored.
 */
public enum LinkState {
    DISCONNECTED, CONNECTING, CONNECTED, CLOSED;

    /** The states this one may change to. */
    public Set<LinkState> next() {
        return switch (this) {
            case DISCONNECTED -> EnumSet.of(CONNECTING, CLOSED);
            case CONNECTING -> EnumSet.of(CONNECTED, DISCONNECTED, CLOSED);
            case CONNECTED -> EnumSet.of(DISCONNECTED, CLOSED);
            case CLOSED -> EnumSet.noneOf(LinkState.class);
        };
    }
}
