package org.openbell.agent.bench;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.openbell.signaling.mqtt.MqttLink;
import org.openbell.signaling.mqtt.MqttSettings;
import org.openbell.signaling.mqtt.Outgoing;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * From a new MQTT client to its first QoS 1 message acknowledged, on Mosquitto: what a doorbell
 * pays at start and at each reconnect before a waiting ring leaves. Ours ({@code MqttLink}) side
 * by side with Paho used as its documentation shows (its own threads), in the same run.
 */
final class MqttConnect {

    private MqttConnect() {
    }

    static void run(MosquittoBroker mosquitto, int rounds, Figures figures) throws Exception {
        byte[] payload = "bench".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < rounds + 2; i++) { // two rounds of warm-up for both
            long t0 = System.nanoTime();
            try (MqttLink link = MqttLink.start(MqttSettings.builder(mosquitto.tcpUri(), "bench-link-" + i).build())) {
                link.publish(Outgoing.qos1("bench/connect", payload)).get(10, TimeUnit.SECONDS);
                if (i >= 2) {
                    figures.add("MQTT new client to first message acked (MqttLink)", "ms", (System.nanoTime() - t0) / 1e6);
                }
            }
            ScheduledExecutorService threads = Executors.newScheduledThreadPool(4);
            long t1 = System.nanoTime();
            MqttAsyncClient paho = new MqttAsyncClient(mosquitto.tcpUri(), "bench-paho-" + i, new MemoryPersistence(), null, threads);
            try {
                paho.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
                paho.publish("bench/connect", payload, 1, false).waitForCompletion(10_000);
                if (i >= 2) {
                    figures.add("baseline MQTT new client to first message acked (Paho's threads)", "ms", (System.nanoTime() - t1) / 1e6);
                }
                paho.disconnect().waitForCompletion(10_000);
            } finally {
                paho.close(true);
                threads.shutdownNow();
            }
        }
    }
}
