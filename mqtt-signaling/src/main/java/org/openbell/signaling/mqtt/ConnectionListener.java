package org.openbell.signaling.mqtt;

import java.util.Optional;

/** Told when the link connects or loses its connection, on the link's own thread: must not block. */
@FunctionalInterface
public interface ConnectionListener {

    void onConnectionChange(boolean connected, Optional<Throwable> cause);
}
