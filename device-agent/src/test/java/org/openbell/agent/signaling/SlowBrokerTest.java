package org.openbell.agent.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.signaling.mqtt.MqttLink;
import org.openbell.signaling.mqtt.MqttSettings;
import org.openbell.signaling.mqtt.Outgoing;

/**
 * A loaded broker acknowledges late: scripts/bench-fleet saw 3000 clients reconnecting at once to a
 * RabbitMQ cluster give up on their connections after the 5 s acknowledgement timeout, again and
 * again, and never settle. A broker that is slow but talking is waited for; after one late
 * acknowledgement the next connection waits longer. (A silent link is still given up:
 * MqttLinkFaultTest.) The broker is a real HiveMQ CE that holds back the acknowledgement of
 * publishes to {@code slow/...}.
 */
class SlowBrokerTest {

    @TempDir
    Path dir;
    private InterceptingHiveMq broker;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger held = new AtomicInteger();
    private volatile Duration holdFor = Duration.ofSeconds(3);

    private void start() throws Exception {
        broker = InterceptingHiveMq.start(dir, (in, out) -> {
            if (in.getPublishPacket().getTopic().startsWith("slow/")) {
                held.incrementAndGet();
                Async<?> async = out.async(Duration.ofSeconds(30), TimeoutFallback.SUCCESS);
                timer.schedule(async::resume, holdFor.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        timer.shutdownNow();
        if (broker != null) {
            broker.close();
        }
    }

    private MqttLink link(String id, AtomicInteger losses) throws InterruptedException {
        MqttLink link = MqttLink.start(MqttSettings.builder(broker.tcpUri(), id).ackTimeout(Duration.ofSeconds(1))
                .backoff(Duration.ofMillis(100), Duration.ofMillis(500)).build());
        link.addConnectionListener((connected, cause) -> {
            if (!connected) {
                losses.incrementAndGet();
            }
        });
        for (int i = 0; i < 400 && !link.isConnected(); i++) {
            Thread.sleep(25);
        }
        return link;
    }

    @Test
    void aSlowBrokerThatIsStillTalkingIsWaitedFor() throws Exception {
        start();
        AtomicInteger losses = new AtomicInteger();
        AtomicInteger heard = new AtomicInteger();
        try (MqttLink doorbell = link("doorbell", losses); MqttLink chatter = link("chatter", new AtomicInteger())) {
            doorbell.subscribe("chatter", 1, (topic, payload) -> heard.incrementAndGet());
            Thread.sleep(300);
            var talking = timer.scheduleAtFixedRate(() -> chatter.publish(Outgoing.qos1("chatter", "hi".getBytes(StandardCharsets.UTF_8))),
                    0, 200, TimeUnit.MILLISECONDS);
            doorbell.publish(Outgoing.qos1("slow/ring", "ring".getBytes(StandardCharsets.UTF_8))).get(15, TimeUnit.SECONDS);
            talking.cancel(false);
            assertEquals(0, losses.get(), "the connection was kept while the broker held the acknowledgement 3 s (timeout 1 s)");
            assertEquals(1, held.get(), "sent once");
            assertEquals(true, heard.get() > 5, "the broker was talking meanwhile: " + heard.get());
        }
    }

    /** A RabbitMQ node under a reconnecting fleet answered SUBACK 128 (measured by scripts/bench-fleet): asked again, on the same connection. */
    @Test
    void aSubscriptionRefusedForNowIsAskedAgain() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        broker = InterceptingHiveMq.start(dir, (in, out) -> { }, (in, out) -> {
            if (in.getSubscription().getTopicFilter().equals("commands") && asked.incrementAndGet() <= 2) {
                out.failAuthorization(com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode.UNSPECIFIED_ERROR);
            } else {
                out.authorizeSuccessfully();
            }
        });
        AtomicInteger losses = new AtomicInteger();
        AtomicInteger heard = new AtomicInteger();
        try (MqttLink doorbell = link("doorbell", losses); MqttLink owner = link("owner", new AtomicInteger())) {
            doorbell.subscribe("commands", 1, (topic, payload) -> heard.incrementAndGet());
            for (int i = 0; i < 100 && heard.get() == 0; i++) {
                owner.publish(Outgoing.qos1("commands", "answer".getBytes(StandardCharsets.UTF_8)));
                Thread.sleep(100);
            }
            assertEquals(true, heard.get() > 0, "the doorbell hears its owners after all");
            assertEquals(3, asked.get(), "refused twice (128), granted the third time");
            assertEquals(0, losses.get(), "on the same connection");
        }
    }

    @Test
    void afterALateAcknowledgementTheNextConnectionWaitsLonger() throws Exception {
        holdFor = Duration.ofMillis(1500);
        start();
        AtomicInteger losses = new AtomicInteger();
        try (MqttLink doorbell = link("doorbell", losses)) {
            doorbell.publish(Outgoing.qos1("slow/ring", "ring".getBytes(StandardCharsets.UTF_8))).get(15, TimeUnit.SECONDS);
            assertEquals(1, losses.get(), "given up once after 1 s of silence, then waited 2 s on the next connection");
            assertEquals(2, held.get(), "sent again once");
        }
    }
}
