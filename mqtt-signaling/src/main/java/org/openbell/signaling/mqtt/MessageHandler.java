package org.openbell.signaling.mqtt;

/** Receives messages of one subscription, on the link's own thread: must not block. */
@FunctionalInterface
public interface MessageHandler {

    void onMessage(String topic, byte[] payload);
}
