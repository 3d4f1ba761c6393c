package org.openbell.agent.integration;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openbell.signaling.mqtt.MqttLink;
import org.openbell.signaling.mqtt.MqttSettings;
import org.openbell.signaling.mqtt.Outgoing;

/** A hostile client that sends packets far over the protocol's limit (its own limit raised to 1 MiB). */
final class MqttBigSender implements AutoCloseable {

    private final MqttLink link;

    MqttBigSender(String brokerUri) throws InterruptedException {
        link = MqttLink.start(MqttSettings.builder(brokerUri, "mallory-big").maxPacketSize(1 << 20)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).build());
        for (int i = 0; i < 400 && !link.isConnected(); i++) {
            Thread.sleep(25);
        }
    }

    void send(String topic, byte[] payload) throws Exception {
        link.publish(Outgoing.qos1(topic, payload)).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        link.close();
    }
}
