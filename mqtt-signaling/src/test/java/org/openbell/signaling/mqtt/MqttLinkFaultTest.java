package org.openbell.signaling.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openbell.signaling.mqtt.MqttLinkTest.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbell.signaling.testing.FaultProxy;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * MqttLink through the faults of the path to a real Mosquitto (a {@link FaultProxy} in front of
 * it): each test is one of the defects found by the outside checks of issue 11, and failed before
 * its fix.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MqttLinkFaultTest {

    private MosquittoBroker broker;
    private FaultProxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static MqttSettings.Builder settings(String uri, String clientId) {
        return MqttSettings.builder(uri, clientId)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .keepAlive(Duration.ofSeconds(30))
                .connectTimeout(Duration.ofSeconds(2));
    }

    /** A plain subscriber straight on the broker (no proxy), collecting payloads. */
    private MqttLink watcher(String filter, BlockingQueue<String> got) throws InterruptedException {
        MqttLink watcher = MqttLink.start(settings(broker.tcpUri(), "watcher").build());
        watcher.subscribe(filter, 1, (topic, payload) -> got.add(new String(payload, StandardCharsets.UTF_8)));
        await(watcher::isConnected, "watcher connected");
        Thread.sleep(200); // the SUBACK lands
        return watcher;
    }

    private static long paho(String clientId) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("paho-" + clientId + "-")).count();
    }

    /**
     * Defect 2: connections accepted and closed at once (a proxy in front of a down broker) stranded
     * one Paho thread each until its pool of 8 was used up; then no attempt ever ran again.
     */
    @Test
    void aBrokerThatAcceptsAndClosesNeverStopsTheReconnects() throws Exception {
        broker = MosquittoBroker.start();
        proxy = FaultProxy.to(broker.tcpPort());
        proxy.mode(FaultProxy.Mode.ACCEPT_AND_CLOSE);
        try (MqttLink link = MqttLink.start(settings(proxy.tcpUri(), "doorbell").build())) {
            await(() -> proxy.accepted() >= 30, "30 accepted-and-closed attempts");
            assertFalse(link.isConnected());
            assertTrue(link.lastConnectFailure().isPresent(), "the status says why");
            proxy.mode(FaultProxy.Mode.PASS);
            await(link::isConnected, "connected once the broker behind the proxy answers");
            assertTrue(paho("doorbell") < 12, "Paho threads left behind: " + paho("doorbell"));
        }
    }

    /**
     * Defect 1: a message bigger than the doorbell takes, left for it by a broker that has no size
     * limit, dropped the connection at every reconnect of its resumed session, and the status kept
     * saying "connected". With Maximum Packet Size in CONNECT the broker discards it.
     */
    @Test
    void anOversizedMessageForAPersistentSessionDoesNotTakeTheLinkOffTheAir() throws Exception {
        broker = MosquittoBroker.startWithoutPacketLimit();
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        MqttLink device = MqttLink.start(settings(broker.tcpUri(), "device").build());
        device.subscribe("cmd/#", 1, (topic, payload) -> got.add(payload.length > 100 ? "big" : new String(payload, StandardCharsets.UTF_8)));
        await(device::isConnected, "device connected");
        Thread.sleep(200);
        device.close(); // its session (and subscription) stays on the broker
        try (MqttLink owner = MqttLink.start(settings(broker.tcpUri(), "owner").maxPacketSize(1 << 20).build())) {
            await(owner::isConnected, "owner connected");
            owner.publish(Outgoing.qos1("cmd/x", new byte[131_019])).get(10, TimeUnit.SECONDS);
            owner.publish(Outgoing.qos1("cmd/x", bytes("after"))).get(10, TimeUnit.SECONDS);
        }
        try (MqttLink again = MqttLink.start(settings(broker.tcpUri(), "device").build())) {
            again.subscribe("cmd/#", 1, (topic, payload) -> got.add(payload.length > 100 ? "big" : new String(payload, StandardCharsets.UTF_8)));
            assertEquals("after", got.poll(15, TimeUnit.SECONDS), "the small message after the big one arrives");
            Thread.sleep(1500);
            assertTrue(again.isConnected(), "still connected: " + again.lastConnectFailure());
            try (MqttLink owner = MqttLink.start(settings(broker.tcpUri(), "owner").build())) {
                await(owner::isConnected, "owner connected");
                owner.publish(Outgoing.qos1("cmd/x", bytes("later"))).get(10, TimeUnit.SECONDS);
            }
            assertEquals("later", got.poll(10, TimeUnit.SECONDS));
            assertNull(got.poll(300, TimeUnit.MILLISECONDS));
        }
    }

    /**
     * Defects 4 and 3: on a silent link a message was noticed undelivered only after ~2 keep-alives,
     * then arrived twice (Paho's own resend with the original expiry beside ours) and late. Now the
     * missing acknowledgement takes the link as dead, and the message arrives once when the path
     * returns, within its lifetime.
     */
    @Test
    void onASilentLinkAMessageArrivesOnceAfterThePathReturns() throws Exception {
        broker = MosquittoBroker.start();
        proxy = FaultProxy.to(broker.tcpPort());
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        try (MqttLink watcher = watcher("rings/#", got);
                MqttLink device = MqttLink.start(settings(proxy.tcpUri(), "device").ackTimeout(Duration.ofSeconds(1)).build())) {
            await(device::isConnected, "device connected");
            proxy.mode(FaultProxy.Mode.BLACKHOLE);
            CompletableFuture<Void> sent = device.publish(Outgoing.qos1("rings/front", bytes("ring-1"))
                    .expiringAt(Instant.now().plusSeconds(25)));
            await(() -> !device.isConnected(), "the silent link taken as dead");
            Thread.sleep(3000); // attempts into the blackhole time out
            assertNull(got.poll(10, TimeUnit.MILLISECONDS), "nothing can arrive through the blackhole");
            proxy.mode(FaultProxy.Mode.PASS);
            sent.get(20, TimeUnit.SECONDS);
            assertEquals("ring-1", got.poll(5, TimeUnit.SECONDS));
            assertNull(got.poll(3, TimeUnit.SECONDS), "delivered exactly once");
        }
    }

    /** A message whose deadline passes during a silent link is never delivered late. */
    @Test
    void aMessageWhoseDeadlinePassedOnASilentLinkIsNeverDelivered() throws Exception {
        broker = MosquittoBroker.start();
        proxy = FaultProxy.to(broker.tcpPort());
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        try (MqttLink watcher = watcher("rings/#", got);
                MqttLink device = MqttLink.start(settings(proxy.tcpUri(), "device").ackTimeout(Duration.ofSeconds(1)).build())) {
            await(device::isConnected, "device connected");
            proxy.mode(FaultProxy.Mode.BLACKHOLE);
            CompletableFuture<Void> sent = device.publish(Outgoing.qos1("rings/front", bytes("short"))
                    .expiringAt(Instant.now().plusSeconds(3)));
            Thread.sleep(5000);
            proxy.mode(FaultProxy.Mode.PASS);
            await(device::isConnected, "reconnected");
            assertTrue(sent.handle((ok, e) -> e).get(10, TimeUnit.SECONDS) instanceof MessageExpiredException);
            assertNull(got.poll(3, TimeUnit.SECONDS), "not delivered after its deadline");
        }
    }

    /**
     * Defect 3: the backoff (up to 30 s) kept running while a ring waited in the outbox, so a ring
     * pressed during a long outage expired moments before the link came back. While a message with
     * a deadline waits, attempts are at most liveBackoffMax (1 s) apart.
     */
    @Test
    void aWaitingMessageIsDeliveredSoonAfterALongOutageEnds() throws Exception {
        broker = MosquittoBroker.start();
        proxy = FaultProxy.to(broker.tcpPort());
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        try (MqttLink watcher = watcher("rings/#", got);
                MqttLink device = MqttLink.start(MqttSettings.builder(proxy.tcpUri(), "device")
                        .backoff(Duration.ofMillis(250), Duration.ofSeconds(30)).connectTimeout(Duration.ofSeconds(2)).build())) {
            await(device::isConnected, "device connected");
            proxy.mode(FaultProxy.Mode.REFUSE);
            Thread.sleep(12_000); // the slow backoff grows to many seconds
            CompletableFuture<Void> sent = device.publish(Outgoing.qos1("rings/front", bytes("ring-late-outage"))
                    .expiringAt(Instant.now().plusSeconds(9)));
            Thread.sleep(4000);
            proxy.mode(FaultProxy.Mode.PASS);
            sent.get(5, TimeUnit.SECONDS);
            assertEquals("ring-late-outage", got.poll(5, TimeUnit.SECONDS));
        }
    }

    /** A message over the link's own packet limit is refused at once instead of dropping the connection at every resend. */
    @Test
    void aMessageOverTheLimitIsRefusedAndTheLinkStaysUp() throws Exception {
        broker = MosquittoBroker.start();
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        try (MqttLink watcher = watcher("rings/#", got);
                MqttLink device = MqttLink.start(settings(broker.tcpUri(), "device").build())) {
            await(device::isConnected, "device connected");
            Throwable refused = device.publish(Outgoing.qos1("rings/front", new byte[70_000])).handle((ok, e) -> e).get(5, TimeUnit.SECONDS);
            assertTrue(refused instanceof IllegalArgumentException, String.valueOf(refused));
            device.publish(Outgoing.qos1("rings/front", bytes("small"))).get(5, TimeUnit.SECONDS);
            assertEquals("small", got.poll(5, TimeUnit.SECONDS));
            assertTrue(device.isConnected());
        }
    }
}
