package org.openbell.agent.integration;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openbell.signaling.Message;
import org.openbell.signaling.MessageCodec;
import org.openbell.signaling.ProtocolException;
import org.openbell.signaling.RingAnswer;
import org.openbell.signaling.RingDecline;
import org.openbell.signaling.Topics;
import org.openbell.signaling.mqtt.MqttLink;
import org.openbell.signaling.mqtt.MqttSettings;
import org.openbell.signaling.mqtt.Outgoing;

/** An owner speaking protocol v1 over a real broker, as a test driver. */
final class OwnerClient implements AutoCloseable {

    final String ownerId;
    final String deviceId;
    final Topics topics = Topics.defaults();
    final MessageCodec codec = new MessageCodec();
    final MqttLink link;
    final BlockingQueue<Message> rings = new LinkedBlockingQueue<>();
    final BlockingQueue<Message> presence = new LinkedBlockingQueue<>();
    /** What the device sent this owner alone (call signaling, push-status). */
    final BlockingQueue<Message> fromDevice = new LinkedBlockingQueue<>();
    final BlockingQueue<Message> pushKey = new LinkedBlockingQueue<>();
    final BlockingQueue<Message> capabilities = new LinkedBlockingQueue<>();
    final BlockingQueue<Message> motion = new LinkedBlockingQueue<>();

    OwnerClient(String brokerUri, String ownerId, String deviceId) throws InterruptedException {
        this(brokerUri, ownerId, deviceId, null, null);
    }

    /** An owner signing in to the broker with their own account (scripts/broker-config). */
    OwnerClient(String brokerUri, String ownerId, String deviceId, String username, String password) throws InterruptedException {
        this.ownerId = ownerId;
        this.deviceId = deviceId;
        MqttSettings.Builder settings = MqttSettings.builder(brokerUri, "openbell-owner-" + ownerId + "-test")
                .sessionExpiry(Duration.ofHours(1))
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        if (username != null) {
            settings.username(username).password(password);
        }
        link = MqttLink.start(settings.build());
        link.subscribe(topics.rings(deviceId), 1, (topic, payload) -> rings.add(decode(payload)));
        link.subscribe(topics.presence(deviceId), 1, (topic, payload) -> presence.add(decode(payload)));
        link.subscribe(topics.deviceToOwner(deviceId, ownerId), 1, (topic, payload) -> fromDevice.add(decode(payload)));
        link.subscribe(topics.pushKey(deviceId), 1, (topic, payload) -> pushKey.add(decode(payload)));
        link.subscribe(topics.capabilities(deviceId), 1, (topic, payload) -> capabilities.add(decode(payload)));
        link.subscribe(topics.motion(deviceId), 1, (topic, payload) -> motion.add(decode(payload)));
        awaitConnected(Duration.ofSeconds(20));
    }

    void awaitConnected(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!link.isConnected()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(ownerId + " did not connect within " + limit);
            }
            Thread.sleep(20);
        }
    }

    private Message decode(byte[] payload) {
        try {
            return codec.decode(payload);
        } catch (ProtocolException e) {
            throw new AssertionError("the device sent an invalid message: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    <T extends Message> T next(BlockingQueue<Message> queue, Class<T> type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Message m = queue.poll(100, TimeUnit.MILLISECONDS);
            if (type.isInstance(m)) {
                return (T) m;
            }
        }
        throw new AssertionError(ownerId + " received no " + type.getSimpleName() + " within 20 s");
    }

    void answer(String ringId) throws Exception {
        sendRaw(codec.encode(new RingAnswer(deviceId, ringId, Instant.now())));
    }

    void decline(String ringId) throws Exception {
        sendRaw(codec.encode(new RingDecline(deviceId, ringId, Instant.now())));
    }

    void send(Message message) throws Exception {
        sendRaw(codec.encode(message));
    }

    void sendRaw(byte[] payload) throws Exception {
        sendRaw(topics.ownerToDevice(ownerId, deviceId), payload);
    }

    void sendRaw(String topic, byte[] payload) throws Exception {
        link.publish(Outgoing.qos1(topic, payload)).get(10, TimeUnit.SECONDS);
    }

    /** Leaves {@code payload} retained on this owner's command topic. */
    void sendRetained(byte[] payload) throws Exception {
        link.publish(Outgoing.qos1(topics.ownerToDevice(ownerId, deviceId), payload).asRetained()).get(10, TimeUnit.SECONDS);
    }

    /** Removes a retained message from this owner's command topic (an empty retained payload). */
    void clearRetained() throws Exception {
        sendRetained(new byte[0]);
    }

    @Override
    public void close() {
        link.close();
    }
}
