package org.openbell.signaling.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * Issue 16: a link given several brokers (a cluster's nodes) moves to the next when its node is
 * gone, keeps its outbox and its subscriptions, and says which node it is on. Two real Mosquittos
 * stand for two nodes (they share nothing: what a cluster shares is for the cluster tests).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MqttLinkFailoverTest {

    @Test
    void whenItsNodeDiesTheLinkMovesToTheNextWithItsOutboxAndSubscriptions() throws Exception {
        try (MosquittoBroker one = MosquittoBroker.start(); MosquittoBroker two = MosquittoBroker.start();
                MqttLink link = MqttLink.start(MqttSettings.builder(List.of(one.tcpUri(), two.tcpUri()), "failover")
                        .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).keepAlive(Duration.ofSeconds(5)).build());
                MqttLink watcherOnTwo = MqttLink.start(MqttSettings.builder(two.tcpUri(), "watcher")
                        .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).build())) {
            BlockingQueue<String> toLink = new LinkedBlockingQueue<>();
            link.subscribe("commands/1", 1, (topic, payload) -> toLink.add(new String(payload, StandardCharsets.UTF_8)));
            BlockingQueue<String> onTwo = new LinkedBlockingQueue<>();
            watcherOnTwo.subscribe("rings/1", 1, (topic, payload) -> onTwo.add(new String(payload, StandardCharsets.UTF_8)));
            MqttLinkTest.await(link::isConnected, "the link connected");
            MqttLinkTest.await(watcherOnTwo::isConnected, "the watcher connected");
            assertEquals(Optional.of(one.tcpUri()), link.connectedServer(), "the first node first");

            one.stop();
            MqttLinkTest.await(() -> !link.isConnected() || link.connectedServer().equals(Optional.of(two.tcpUri())),
                    "the link to notice its node is gone");
            CompletableFuture<Void> sent = link.publish(Outgoing.qos1("rings/1", "ring during the move".getBytes(StandardCharsets.UTF_8))
                    .expiringAt(Instant.now().plusSeconds(30)));
            sent.get(20, TimeUnit.SECONDS);
            assertEquals("ring during the move", onTwo.poll(20, TimeUnit.SECONDS), "kept in the outbox, delivered on the next node");
            assertEquals(Optional.of(two.tcpUri()), link.connectedServer());

            // Its subscriptions came along: a command sent on the second node reaches it.
            watcherOnTwo.publish(Outgoing.qos1("commands/1", "hello".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
            assertEquals("hello", toLink.poll(20, TimeUnit.SECONDS));

            // The first node comes back: the link stays where it works.
            one.startAgain();
            Thread.sleep(1000);
            assertEquals(Optional.of(two.tcpUri()), link.connectedServer(), "no needless move back");
            two.stop();
            MqttLinkTest.await(() -> link.connectedServer().equals(Optional.of(one.tcpUri())), "back to the first node when the second dies");
            assertFalse(link.connectedServer().equals(Optional.of(two.tcpUri())));
        }
    }

    @Test
    void brokerListsAreChecked() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MqttSettings.builder(List.of("tcp://a:1883", "tcp://a:1883"), "x").build(), "twice the same");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MqttSettings.builder(List.of(), "x").build(), "none");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MqttSettings.builder(List.of("tcp://a:1883", "http://b"), "x").build(), "not MQTT");
    }
}
