package org.openbell.signaling.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbell.signaling.testing.MosquittoBroker;

/** Paho's threads started without its naps, on a real Mosquitto. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PahoThreadsTest {

    private MosquittoBroker broker;

    @BeforeEach
    void start() {
        broker = MosquittoBroker.start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void thisPahosComponentsCanBeMarkedRunning() {
        assertTrue(PahoThreads.available(), "Paho's internals changed: see PahoThreads");
    }

    @Test
    void aConnectionMarksItsThreeComponentsAndStillWorksAndCloses() throws Exception {
        PahoThreads threads = new PahoThreads(4, Thread.ofPlatform().daemon().factory());
        MqttAsyncClient client = new MqttAsyncClient(broker.tcpUri(), "paho-threads", new MemoryPersistence(), null, threads);
        try {
            long t0 = System.nanoTime();
            client.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
            System.out.printf("connect to CONNACK: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
            assertTrue(client.isConnected());
            assertEquals(3, threads.marked(), "callback, sender and receiver marked running");
            // The marked threads really run: a round trip through the broker.
            var got = new java.util.concurrent.CompletableFuture<String>();
            client.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
                @Override public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage m) { got.complete(new String(m.getPayload())); }
                @Override public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) { }
                @Override public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException e) { }
                @Override public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken t) { }
                @Override public void connectComplete(boolean reconnect, String uri) { }
                @Override public void authPacketArrived(int reason, org.eclipse.paho.mqttv5.common.packet.MqttProperties p) { }
            });
            client.subscribe("paho/threads", 1).waitForCompletion(10_000);
            client.publish("paho/threads", "here".getBytes(), 1, false).waitForCompletion(10_000);
            assertEquals("here", got.get(10, TimeUnit.SECONDS));
            client.disconnect().waitForCompletion(10_000);
            assertFalse(client.isConnected());
        } finally {
            client.close(true);
            threads.shutdownNow();
        }
    }

    @Test
    void aRefusedConnectionFailsAsBefore() throws Exception {
        PahoThreads threads = new PahoThreads(4, Thread.ofPlatform().daemon().factory());
        String uri = broker.tcpUri();
        broker.close();
        MqttAsyncClient client = new MqttAsyncClient(uri, "paho-refused", new MemoryPersistence(), null, threads);
        try {
            var token = client.connect(new MqttConnectionOptions());
            org.junit.jupiter.api.Assertions.assertThrows(org.eclipse.paho.mqttv5.common.MqttException.class,
                    () -> token.waitForCompletion(10_000));
            assertFalse(client.isConnected());
        } finally {
            client.close(true);
            threads.shutdownNow();
        }
        broker = MosquittoBroker.start();
    }
}
