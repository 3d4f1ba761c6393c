package org.openbell.agent.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.signaling.Message;
import org.openbell.signaling.MessageCodec;
import org.openbell.signaling.Ring;
import org.openbell.signaling.RingEnded;
import org.openbell.signaling.Topics;
import org.openbell.signaling.mqtt.MqttLink;
import org.openbell.signaling.mqtt.MqttSettings;

/**
 * A ring the broker cannot place for the moment (PUBACK 131, as a RabbitMQ cluster answers while a
 * node dies: measured by scripts/bench-fleet) is sent again while it rings; one refused for what it
 * is (135) is not; an older copy never follows a newer press or the ring's end. The broker is a real
 * HiveMQ CE whose extension refuses the first publishes to the rings topic with the chosen code.
 */
class RingRetryTest {

    @TempDir
    Path dir;
    private InterceptingHiveMq hivemq;
    /** How many publishes to a rings topic the broker refuses next, and with what. */
    private static final AtomicInteger refuseNext = new AtomicInteger();
    private static final AtomicReference<AckReasonCode> refuseWith = new AtomicReference<>(AckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
    private static final AtomicInteger ringPublishes = new AtomicInteger();
    private DeviceSignaling device;
    private MqttLink owner;
    private final BlockingQueue<Message> rings = new LinkedBlockingQueue<>();
    private final MessageCodec codec = new MessageCodec();

    @BeforeEach
    void start() throws Exception {
        refuseNext.set(0);
        ringPublishes.set(0);
        hivemq = InterceptingHiveMq.start(dir, (in, out) -> {
            if (in.getPublishPacket().getTopic().endsWith("/rings")
                    && new String(bytes(in.getPublishPacket().getPayload().orElse(java.nio.ByteBuffer.allocate(0)))).contains("\"ring\"")) {
                ringPublishes.incrementAndGet();
                if (refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    out.preventPublishDelivery(refuseWith.get(), "for the test");
                }
            }
        });
        int port = hivemq.port;
        var cfg = ConfigLoader.parse("""
                device: {id: front-door, name: Front door}
                hardware: {mode: simulated}
                mqtt: {broker: "tcp://127.0.0.1:%d", webSocketUrl: "ws://127.0.0.1:1/mqtt", reconnectMin: 100ms, reconnectMax: 1s}
                stateDir: "%s"
                """.formatted(port, dir.resolve("state")), "test");
        device = DeviceSignaling.create(cfg, DeviceSignaling.Broker.configured(cfg), Clock.systemUTC());
        device.open((o, m) -> { }, (connected, cause) -> { });
        owner = MqttLink.start(MqttSettings.builder("tcp://127.0.0.1:" + port, "owner-alice").build());
        owner.subscribe(Topics.defaults().rings("front-door"), 1, (topic, payload) -> {
            try {
                rings.add(codec.decode(payload));
            } catch (org.openbell.signaling.ProtocolException e) {
                throw new AssertionError(e);
            }
        });
        for (int i = 0; i < 400 && !(device.isConnected() && owner.isConnected()); i++) {
            Thread.sleep(25);
        }
        Thread.sleep(300); // the subscriptions are in
    }

    @AfterEach
    void stop() throws Exception {
        if (device != null) {
            device.close();
        }
        if (owner != null) {
            owner.close();
        }
        hivemq.close();
    }

    private static Ring ring(String id, int presses) {
        Instant now = Instant.now();
        return new Ring("front-door", id, now, now.plusSeconds(30), presses);
    }

    @Test
    void aRingTheBrokerCouldNotPlaceForNowIsSentAgainAndArrivesOnce() throws Exception {
        refuseWith.set(AckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
        refuseNext.set(2);
        device.ringStarted(ring("ring-1", 1));
        Message got = rings.poll(10, TimeUnit.SECONDS);
        assertTrue(got instanceof Ring r && r.ringId().equals("ring-1"), "the ring arrived: " + got);
        assertEquals(3, ringPublishes.get(), "refused twice, taken the third time");
        assertEquals(null, rings.poll(1, TimeUnit.SECONDS), "once");
        assertTrue(device.lastRingDelivery().orElseThrow().toString().contains("ring-1"));
    }

    @Test
    void aRingRefusedForWhatItIsIsNotSentAgain() throws Exception {
        refuseWith.set(AckReasonCode.NOT_AUTHORIZED);
        refuseNext.set(1);
        device.ringStarted(ring("ring-2", 1));
        assertEquals(null, rings.poll(2, TimeUnit.SECONDS));
        assertEquals(1, ringPublishes.get());
    }

    @Test
    void anOlderCopyNeverFollowsANewerPressOrTheEnd() throws Exception {
        refuseWith.set(AckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
        refuseNext.set(1);
        device.ringStarted(ring("ring-3", 1)); // refused; its copy would go out 300 ms later
        device.ringStarted(ring("ring-3", 2)); // a second press at once
        Ring second = (Ring) rings.poll(10, TimeUnit.SECONDS);
        assertEquals(2, second.presses());
        device.ringEnded(new RingEnded("front-door", "ring-3", Instant.now(), RingEnded.Outcome.TIMED_OUT, java.util.Optional.empty()));
        assertTrue(rings.poll(10, TimeUnit.SECONDS) instanceof RingEnded);
        Thread.sleep(2 * DeviceSignaling.RING_RETRY_AFTER.toMillis());
        assertEquals(null, rings.poll(500, TimeUnit.MILLISECONDS), "nothing after the end: the first press's copy was dropped");
        assertEquals(2, ringPublishes.get(), "the refused first press was not sent again");
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }
}
