package org.openbell.signaling.mqtt;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Run in a child JVM by {@link MqttLinkTest}: connects with a will and a birth, prints READY, waits to be killed. */
public final class WillClient {

    private WillClient() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        String topic = args[1];
        MqttLink link = MqttLink.start(MqttSettings.builder(uri, "will-client")
                .keepAlive(Duration.ofSeconds(5))
                .will(Outgoing.qos1(topic, "offline".getBytes(StandardCharsets.UTF_8)).asRetained())
                .birth(Outgoing.qos1(topic, "online".getBytes(StandardCharsets.UTF_8)).asRetained())
                .build());
        for (int i = 0; i < 500 && !link.isConnected(); i++) {
            Thread.sleep(20);
        }
        System.out.println(link.isConnected() ? "READY" : "NOT CONNECTED");
        System.out.flush();
        Thread.sleep(120_000);
    }
}
