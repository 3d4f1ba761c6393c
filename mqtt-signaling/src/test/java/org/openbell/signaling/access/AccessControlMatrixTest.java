package org.openbell.signaling.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.signaling.Topics;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * The access list that scripts/broker-config writes, enforced by a real Mosquitto: two doorbells
 * (front, back), owner alice paired with front, owner bob with back. Who can read and write what,
 * anonymous and wrong-password clients, and an owner removed while connected.
 */
class AccessControlMatrixTest {

    private static final Topics T = Topics.defaults();
    private static final int NOT_AUTHORIZED = 135;

    @TempDir
    Path dir;
    private MosquittoBroker broker;
    private final List<MqttAsyncClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        BrokerConfigTool.write(dir, access(), null, null, 1883, 8884);
        broker = MosquittoBroker.startWithAccessControl(dir.resolve("passwd"), dir.resolve("acl"));
    }

    private static BrokerAccess access() {
        return BrokerAccess.of(T).withDoorbell("front").withDoorbell("back")
                .withOwner("alice", List.of("front")).withOwner("bob", List.of("back"));
    }

    @AfterEach
    void stop() throws Exception {
        for (MqttAsyncClient c : clients) {
            try {
                c.disconnectForcibly(0, 1000, false);
                c.close(true);
            } catch (MqttException e) {
                // already gone
            }
        }
        broker.close();
    }

    @Test
    void anonymousAndWrongPasswordClientsAreRefused() {
        assertRefused(null, null);
        assertRefused("owner.alice", "not-her-password");
        assertRefused("owner.mallory", "anything");
    }

    @Test
    void anOwnerReadsOnlyTheDoorbellsTheyArePairedWith() throws Exception {
        Client alice = connect("owner.alice");
        alice.subscribe("openbell/#"); // a wildcard is granted, but only permitted messages arrive
        Client front = connect("doorbell.front");
        Client back = connect("doorbell.back");
        back.publishExpecting(T.rings("back"), "back-ring", 0);
        back.publishExpecting(T.deviceToOwner("back", "alice"), "back-to-alice", 0); // back may write its own subtree
        front.publishExpecting(T.rings("front"), "front-ring", 0);
        assertEquals("front-ring", alice.next()); // the first and only one alice may read
        front.publishExpecting(T.deviceToOwner("front", "bob"), "front-to-bob", 0);
        front.publishExpecting(T.deviceToOwner("front", "alice"), "front-to-alice", 0);
        assertEquals("front-to-alice", alice.next());
        alice.assertNothingMore();
    }

    @Test
    void anOwnerWritesOnlyTheirOwnCommandTopicOfTheirOwnDoorbells() throws Exception {
        Client front = connect("doorbell.front");
        front.subscribe(T.ownerToDeviceFilter("front"));
        Client back = connect("doorbell.back");
        back.subscribe(T.ownerToDeviceFilter("back"));
        Client alice = connect("owner.alice");
        alice.publishExpecting(T.ownerToDevice("bob", "front"), "alice-as-bob", NOT_AUTHORIZED);
        alice.publishExpecting(T.ownerToDevice("alice", "back"), "alice-to-back", NOT_AUTHORIZED);
        alice.publishExpecting(T.rings("front"), "fake-ring", NOT_AUTHORIZED);
        alice.publishExpecting(T.presence("front"), "fake-presence", NOT_AUTHORIZED);
        alice.publishExpecting(T.ownerToDevice("alice", "front"), "alice-to-front", 0);
        assertEquals("alice-to-front", front.next());
        front.assertNothingMore();
        back.assertNothingMore();
    }

    @Test
    void aDoorbellCannotReadOrWriteAnotherDoorbell() throws Exception {
        Client front = connect("doorbell.front");
        front.subscribe("openbell/#");
        Client back = connect("doorbell.back");
        back.publishExpecting(T.presence("back"), "back-online", 0);
        back.publishExpecting(T.rings("back"), "back-ring", 0);
        front.publishExpecting(T.rings("back"), "front-as-back", NOT_AUTHORIZED);
        front.publishExpecting(T.ownerToDevice("alice", "back"), "front-as-alice", NOT_AUTHORIZED);
        Client bob = connect("owner.bob");
        bob.publishExpecting(T.ownerToDevice("bob", "back"), "bob-to-back", 0);
        Client alice = connect("owner.alice");
        alice.publishExpecting(T.ownerToDevice("alice", "front"), "alice-to-front", 0);
        assertEquals("alice-to-front", front.next());
        front.assertNothingMore();
    }

    @Test
    void aRemovedOwnerLosesAccessAtOnceEvenWhileConnected() throws Exception {
        Client alice = connect("owner.alice");
        alice.subscribe(T.rings("front"));
        Client front = connect("doorbell.front");
        front.subscribe(T.ownerToDeviceFilter("front"));
        front.publishExpecting(T.rings("front"), "before", 0);
        assertEquals("before", alice.next());

        BrokerConfigTool.write(dir, access().withoutOwner("alice"), null, null, 1883, 8884);
        broker.reload();

        front.publishExpecting(T.rings("front"), "after", 0);
        alice.assertRefusedOrDisconnected(T.ownerToDevice("alice", "front"));
        alice.assertNothingMore();
        front.assertNothingMore();
        assertTrue(Files.notExists(dir.resolve("credentials/owner.alice")), "her credentials are gone");
        assertRefused("owner.alice", password("owner.bob")); // and nobody logs in as her
    }

    private String password(String account) throws Exception {
        Path file = dir.resolve("credentials").resolve(account);
        return Files.exists(file) ? Files.readString(file).trim() : "none";
    }

    private Client connect(String account) throws Exception {
        Client c = new Client(account);
        IMqttToken token = c.mqtt.connect(options(account, password(account)));
        token.waitForCompletion(5000);
        return c;
    }

    private void assertRefused(String user, String pass) {
        try {
            MqttAsyncClient c = new MqttAsyncClient(broker.tcpUri(), "refused-" + System.nanoTime(), new MemoryPersistence());
            clients.add(c);
            c.connect(options(user, pass)).waitForCompletion(5000);
            fail("the broker accepted " + (user == null ? "an anonymous client" : user + " with a wrong password"));
        } catch (MqttException e) {
            assertTrue(e.getReasonCode() == 134 || e.getReasonCode() == NOT_AUTHORIZED, "refused with " + e.getReasonCode() + ": " + e);
        }
    }

    private static MqttConnectionOptions options(String user, String pass) {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setConnectionTimeout(5);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(pass.getBytes(StandardCharsets.UTF_8));
        }
        return o;
    }

    /** One account's connection: what it receives queues up; publishes report the broker's reason code. */
    private final class Client implements MqttCallback {
        final MqttAsyncClient mqtt;
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();

        Client(String account) throws MqttException {
            mqtt = new MqttAsyncClient(broker.tcpUri(), account + "-" + System.nanoTime(), new MemoryPersistence());
            mqtt.setCallback(this);
            clients.add(mqtt);
        }

        void subscribe(String filter) throws MqttException {
            mqtt.subscribe(new MqttSubscription[] {new MqttSubscription(filter, 1)}).waitForCompletion(5000);
        }

        void publishExpecting(String topic, String payload, int reasonCode) {
            int code = publish(topic, payload);
            // 16 = accepted, "no matching subscribers": as good as 0 for a permitted publish.
            assertEquals(reasonCode, code == 16 ? 0 : code, "PUBACK for " + payload + " on " + topic);
        }

        /** A publish after the account was removed: refused, or the broker already dropped the connection. */
        void assertRefusedOrDisconnected(String topic) {
            int code = publish(topic, "still-here?");
            assertTrue(code == NOT_AUTHORIZED || code == MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED
                    || code == MqttClientException.REASON_CODE_CONNECTION_LOST, "after removal: " + code);
        }

        /** Publishes at QoS 1 and returns the broker's reason code (or the client's, if it could not send). */
        private int publish(String topic, String payload) {
            try {
                IMqttToken token = mqtt.publish(topic, new MqttMessage(payload.getBytes(StandardCharsets.UTF_8), 1, false, null));
                token.waitForCompletion(5000);
                int[] codes = token.getReasonCodes();
                return codes == null || codes.length == 0 ? 0 : codes[0];
            } catch (MqttException e) {
                return e.getReasonCode();
            }
        }

        String next() throws InterruptedException {
            String m = received.poll(5, TimeUnit.SECONDS);
            if (m == null) {
                fail("nothing arrived");
            }
            return m;
        }

        /**
         * Nothing else arrives within 0.7 s. (The tests also publish a permitted message after the
         * forbidden ones and take it with {@link #next()}: delivery is in order, so a leak would have come first.)
         */
        void assertNothingMore() throws InterruptedException {
            String m = received.poll(700, TimeUnit.MILLISECONDS);
            assertEquals(null, m, "received a message it may not read");
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
