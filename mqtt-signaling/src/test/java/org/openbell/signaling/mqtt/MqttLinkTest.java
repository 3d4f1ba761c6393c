package org.openbell.signaling.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openbell.signaling.testing.MosquittoBroker;

/** MqttLink against a real Mosquitto on loopback. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MqttLinkTest {

    private MosquittoBroker broker;

    @BeforeEach
    void start() {
        broker = MosquittoBroker.start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private MqttLink link(String clientId) {
        return MqttLink.start(MqttSettings.builder(broker.tcpUri(), clientId)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .keepAlive(Duration.ofSeconds(5))
                .build());
    }

    /** Polls {@code condition} for up to 20 s (shared with the TLS tests). */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private static String text(byte[] payload) {
        return new String(payload, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A link created but not opened takes publishes (deadlines running) and subscriptions, and connects only when opened. */
    @Test
    void aLinkThatIsNotOpenedQueuesAndConnectsWhenOpened() throws Exception {
        try (MqttLink sub = link("sub");
                MqttLink later = MqttLink.create(MqttSettings.builder(broker.tcpUri(), "later").backoff(Duration.ofMillis(50),
                        Duration.ofMillis(500)).build(), java.time.Clock.systemUTC())) {
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            sub.subscribe("t/later", 1, (topic, payload) -> got.add(text(payload)));
            await(sub::isConnected, "subscriber connected");
            Thread.sleep(200);
            CompletableFuture<Void> sent = later.publish(Outgoing.qos1("t/later", bytes("queued")).expiringAt(Instant.now().plusSeconds(30)));
            assertNull(got.poll(1000, TimeUnit.MILLISECONDS), "nothing leaves before open()");
            assertEquals(LinkState.DISCONNECTED, later.state());
            later.open();
            later.open(); // once
            assertEquals("queued", got.poll(10, TimeUnit.SECONDS));
            sent.get(5, TimeUnit.SECONDS);
            assertTrue(later.isConnected());
        }
    }

    @Test
    void aQos1MessageReachesASubscriber() throws Exception {
        try (MqttLink sub = link("sub"); MqttLink pub = link("pub")) {
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            sub.subscribe("t/+/x", 1, (topic, payload) -> got.add(topic + "=" + text(payload)));
            await(sub::isConnected, "subscriber connected");
            await(pub::isConnected, "publisher connected");
            Thread.sleep(200); // let the SUBACK land before publishing
            pub.publish(Outgoing.qos1("t/a/x", bytes("hello"))).get(10, TimeUnit.SECONDS);
            pub.publish(Outgoing.qos1("t/a/y", bytes("not for sub"))).get(10, TimeUnit.SECONDS);
            assertEquals("t/a/x=hello", got.poll(10, TimeUnit.SECONDS));
            assertNull(got.poll(300, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void theBirthIsRetainedAndTheWillFiresWhenTheClientDies() throws Exception {
        String topic = "devices/d1/presence";
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), WillClient.class.getName(), broker.tcpUri(), topic)
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("READY") && !line.startsWith("NOT CONNECTED"));
            assertEquals("READY", line);
            try (MqttLink watcher = link("watcher")) {
                BlockingQueue<String> got = new LinkedBlockingQueue<>();
                watcher.subscribe(topic, 1, (t, payload) -> got.add(text(payload)));
                assertEquals("online", got.poll(10, TimeUnit.SECONDS), "the retained birth reaches a late subscriber");
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                assertEquals("offline", got.poll(15, TimeUnit.SECONDS), "the broker publishes the will");
            }
            try (MqttLink later = link("later")) {
                BlockingQueue<String> got = new LinkedBlockingQueue<>();
                later.subscribe(topic, 1, (t, payload) -> got.add(text(payload)));
                assertEquals("offline", got.poll(10, TimeUnit.SECONDS), "the will is retained");
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void theLinkReconnectsAfterABrokerRestartAndKeepsItsSubscriptions() throws Exception {
        try (MqttLink sub = link("sub")) {
            BlockingQueue<Boolean> changes = new LinkedBlockingQueue<>();
            sub.addConnectionListener((connected, cause) -> changes.add(connected));
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            sub.subscribe("r/#", 1, (topic, payload) -> got.add(text(payload)));
            assertEquals(true, changes.poll(10, TimeUnit.SECONDS));

            broker.stop();
            assertEquals(false, changes.poll(10, TimeUnit.SECONDS));
            broker.startAgain();
            assertEquals(true, changes.poll(20, TimeUnit.SECONDS), "reconnected by itself");

            try (MqttLink pub = link("pub")) {
                await(pub::isConnected, "publisher connected");
                Thread.sleep(200);
                pub.publish(Outgoing.qos1("r/1", bytes("after restart"))).get(10, TimeUnit.SECONDS);
                assertEquals("after restart", got.poll(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void aMessagePublishedWhileTheBrokerIsDownIsDeliveredWhenItReturns() throws Exception {
        try (MqttLink sub = link("sub"); MqttLink pub = link("pub")) {
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            sub.subscribe("q/1", 1, (topic, payload) -> got.add(text(payload)));
            await(sub::isConnected, "subscriber connected");
            await(pub::isConnected, "publisher connected");
            Thread.sleep(200);

            broker.stop();
            await(() -> !pub.isConnected(), "publisher notices the outage");
            CompletableFuture<Void> sent = pub.publish(Outgoing.qos1("q/1", bytes("queued"))
                    .expiringAt(Instant.now().plusSeconds(60)));
            Thread.sleep(300);
            assertTrue(!sent.isDone(), "held while the broker is down");

            broker.startAgain();
            sent.get(20, TimeUnit.SECONDS);
            assertEquals("queued", got.poll(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void aMessageWhoseDeadlinePassesWhileTheBrokerIsDownIsNeverDelivered() throws Exception {
        try (MqttLink sub = link("sub"); MqttLink pub = link("pub")) {
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            sub.subscribe("q/2", 1, (topic, payload) -> got.add(text(payload)));
            await(sub::isConnected, "subscriber connected");
            await(pub::isConnected, "publisher connected");
            Thread.sleep(200);

            broker.stop();
            await(() -> !pub.isConnected(), "publisher notices the outage");
            CompletableFuture<Void> sent = pub.publish(Outgoing.qos1("q/2", bytes("stale"))
                    .expiringAt(Instant.now().plusMillis(300)));
            ExecutionException e = assertThrows(ExecutionException.class, () -> sent.get(10, TimeUnit.SECONDS));
            assertInstanceOf(MessageExpiredException.class, e.getCause());

            broker.startAgain();
            await(pub::isConnected, "publisher back");
            await(sub::isConnected, "subscriber back");
            assertNull(got.poll(1500, TimeUnit.MILLISECONDS), "an expired message is never delivered late");
        }
    }

    @Test
    void closeIsIdempotentAndLeavesNoThreads() throws Exception {
        MqttLink link = link("closer");
        await(link::isConnected, "connected");
        link.close();
        link.close();
        assertTrue(!link.isConnected());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> link.publish(Outgoing.qos1("x", bytes("late"))).get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        await(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && (t.getName().equals("openbell-mqtt-closer") || t.getName().startsWith("paho-closer"))),
                "link threads to end");
    }

    @Test
    void aDownBrokerIsNotAnErrorAtStart() throws Exception {
        broker.stop();
        try (MqttLink link = link("early")) {
            Thread.sleep(300);
            assertTrue(!link.isConnected());
            broker.startAgain();
            await(link::isConnected, "connected once the broker is up");
        }
    }
}
