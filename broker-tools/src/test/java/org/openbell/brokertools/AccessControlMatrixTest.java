package org.openbell.brokertools;

import org.openbell.signaling.access.BrokerAccess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.signaling.ClientIds;
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
                .withOwner("alice", List.of("front")).withOwner("bob", List.of("back"))
                .withHomeAssistant("house", List.of("front"));
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

    /**
     * Issue 11, defect 1b: a paired owner asking for the doorbell's client id must neither throw
     * the doorbell off nor get its session (the commands other owners sent it). Mosquitto cannot
     * check client ids, so scripts/broker-config names every session by its account.
     */
    @Test
    void noAccountCanTakeOverTheDoorbellsSession() throws Exception {
        AccountClient front = new AccountClient(broker.tcpUri(), "doorbell.front", password("doorbell.front"),
                ClientIds.device("front"), false);
        clients.add(front.mqtt);
        front.subscribe(T.ownerToDeviceFilter("front"));
        AccountClient alice = new AccountClient(broker.tcpUri(), "owner.alice", password("owner.alice"),
                ClientIds.device("front"), false);
        clients.add(alice.mqtt);
        Thread.sleep(500);
        assertTrue(front.mqtt.isConnected(), "the doorbell was not thrown off: " + broker.log());
        assertTrue(alice.mqtt.isConnected());
        alice.publishExpecting(T.ownerToDevice("alice", "front"), "alice-answers", 0);
        assertEquals("alice-answers", front.next(), "the doorbell still gets its commands");
        alice.assertNothingMore();
    }

    /** The whole table (AccessMatrix, the same one the RabbitMQ cluster test checks), cell by cell. */
    @Test
    void theWholeMatrixHolds() throws Exception {
        var matrix = new org.openbell.signaling.testing.AccessMatrix(T, "front", "back", "alice", "bob", "house", "homeassistant", false);
        var breaches = matrix.check(account -> broker.tcpUri(), account -> {
            try {
                return password(account);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(breaches.isEmpty(), breaches.size() + " cells differ:\n" + String.join("\n", breaches.stream().map(Object::toString).toList()));
    }

    @Test
    void anonymousAndWrongPasswordClientsAreRefused() {
        assertRefused(null, null);
        assertRefused("owner.alice", "not-her-password");
        assertRefused("owner.mallory", "anything");
    }

    @Test
    void anOwnerReadsOnlyTheDoorbellsTheyArePairedWith() throws Exception {
        AccountClient alice = connect("owner.alice");
        alice.subscribe("openbell/#"); // a wildcard is granted, but only permitted messages arrive
        AccountClient front = connect("doorbell.front");
        AccountClient back = connect("doorbell.back");
        back.publishExpecting(T.rings("back"), "back-ring", 0);
        back.publishExpecting(T.deviceToOwner("back", "alice"), "back-to-alice", 0); // back may write its own subtree
        back.publishExpecting(T.pushKey("back"), "back-push-key", 0);
        back.publishExpecting(T.snapshots("back"), "back-picture", 0);
        back.publishExpecting(T.capabilities("back"), "back-capabilities", 0);
        back.publishExpecting(T.motion("back"), "back-motion", 0);
        front.publishExpecting(T.rings("front"), "front-ring", 0);
        assertEquals("front-ring", alice.next()); // the first and only one alice may read
        front.publishExpecting(T.pushKey("front"), "front-push-key", 0);
        assertEquals("front-push-key", alice.next());
        front.publishExpecting(T.snapshots("front"), "front-picture", 0); // issue 14: who rang, for the doorbell's owners only
        assertEquals("front-picture", alice.next());
        front.publishExpecting(T.capabilities("front"), "front-capabilities", 0); // revision 1.4: door strike, quick replies
        assertEquals("front-capabilities", alice.next());
        front.publishExpecting(T.motion("front"), "front-motion", 0);
        assertEquals("front-motion", alice.next());
        front.publishExpecting(T.deviceToOwner("front", "bob"), "front-to-bob", 0);
        front.publishExpecting(T.deviceToOwner("front", "alice"), "front-to-alice", 0);
        assertEquals("front-to-alice", alice.next());
        alice.assertNothingMore();
    }

    /**
     * Issue 15: a Home Assistant account reads its doorbells' discovery, presence and ha/ state,
     * writes its birth message and only the documented commands; nothing of owners, rings or other
     * doorbells. The doorbell writes its own discovery and reads Home Assistant's birth and commands.
     */
    @Test
    void homeAssistantReadsItsDoorbellsEntitiesAndSendsOnlyTheDocumentedCommands() throws Exception {
        AccountClient house = connect("homeassistant.house");
        house.subscribe("homeassistant/#"); // as Home Assistant does; only permitted messages arrive
        house.subscribe("openbell/#");
        AccountClient front = connect("doorbell.front");
        front.subscribe("homeassistant/status");
        front.subscribe(T.homeAssistantCommandFilter("front"));
        AccountClient back = connect("doorbell.back");
        back.publishExpecting(BrokerAccess.discoveryTopic("homeassistant", "back"), "back-discovery", 0);
        back.publishExpecting(T.homeAssistantState("back"), "back-state", 0);
        front.publishExpecting(T.rings("front"), "front-ring", 0);
        front.publishExpecting(T.deviceToOwner("front", "alice"), "front-to-alice", 0);
        front.publishExpecting(BrokerAccess.discoveryTopic("homeassistant", "front"), "front-discovery", 0);
        assertEquals("front-discovery", house.next(), "its doorbell's discovery, nothing of owners or rings before it");
        front.publishExpecting(T.homeAssistantState("front"), "front-state", 0);
        assertEquals("front-state", house.next());
        front.publishExpecting(T.homeAssistantRing("front"), "front-event", 0);
        assertEquals("front-event", house.next());
        front.publishExpecting(BrokerAccess.discoveryTopic("homeassistant", "back"), "front-as-back", NOT_AUTHORIZED);
        front.publishExpecting("homeassistant/status", "front-as-ha", NOT_AUTHORIZED);
        house.assertNothingMore();

        house.publishExpecting("homeassistant/status", "online", 0);
        assertEquals("online", front.next(), "the doorbell hears Home Assistant come online");
        assertEquals("online", house.next(), "its own birth message (read and write)");
        house.assertNothingMore(); // not back's discovery: another doorbell's device is not its to see
        house.publishExpecting(T.homeAssistantCommand("front", "chime-silent"), "ON", 0);
        assertEquals("ON", front.next());
        house.publishExpecting(T.homeAssistantCommand("front", "quick-reply"), "I'm coming", 0);
        assertEquals("I'm coming", front.next());
        house.publishExpecting(T.homeAssistantCommand("front", "open-everything"), "ON", NOT_AUTHORIZED);
        house.publishExpecting(T.homeAssistantCommand("back", "chime-silent"), "ON", NOT_AUTHORIZED);
        house.publishExpecting(T.rings("front"), "fake-ring", NOT_AUTHORIZED);
        house.publishExpecting(T.ownerToDevice("alice", "front"), "as-alice", NOT_AUTHORIZED);
        house.publishExpecting(T.homeAssistantState("front"), "fake-state", NOT_AUTHORIZED);
        house.publishExpecting(T.capabilities("front"), "fake-capabilities", NOT_AUTHORIZED);
        front.assertNothingMore();
    }

    @Test
    void anOwnerWritesOnlyTheirOwnCommandTopicOfTheirOwnDoorbells() throws Exception {
        AccountClient front = connect("doorbell.front");
        front.subscribe(T.ownerToDeviceFilter("front"));
        AccountClient back = connect("doorbell.back");
        back.subscribe(T.ownerToDeviceFilter("back"));
        AccountClient alice = connect("owner.alice");
        alice.publishExpecting(T.ownerToDevice("bob", "front"), "alice-as-bob", NOT_AUTHORIZED);
        alice.publishExpecting(T.ownerToDevice("alice", "back"), "alice-to-back", NOT_AUTHORIZED);
        alice.publishExpecting(T.rings("front"), "fake-ring", NOT_AUTHORIZED);
        alice.publishExpecting(T.presence("front"), "fake-presence", NOT_AUTHORIZED);
        alice.publishExpecting(T.pushKey("front"), "fake-push-key", NOT_AUTHORIZED);
        alice.publishExpecting(T.snapshots("front"), "fake-picture", NOT_AUTHORIZED);
        alice.publishExpecting(T.capabilities("front"), "fake-capabilities", NOT_AUTHORIZED);
        alice.publishExpecting(T.motion("front"), "fake-motion", NOT_AUTHORIZED);
        alice.publishExpecting(T.ownerToDevice("alice", "front"), "alice-to-front", 0);
        assertEquals("alice-to-front", front.next());
        front.assertNothingMore();
        back.assertNothingMore();
    }

    @Test
    void aDoorbellCannotReadOrWriteAnotherDoorbell() throws Exception {
        AccountClient front = connect("doorbell.front");
        front.subscribe("openbell/#");
        AccountClient back = connect("doorbell.back");
        back.publishExpecting(T.presence("back"), "back-online", 0);
        back.publishExpecting(T.rings("back"), "back-ring", 0);
        front.publishExpecting(T.rings("back"), "front-as-back", NOT_AUTHORIZED);
        front.publishExpecting(T.ownerToDevice("alice", "back"), "front-as-alice", NOT_AUTHORIZED);
        AccountClient bob = connect("owner.bob");
        bob.publishExpecting(T.ownerToDevice("bob", "back"), "bob-to-back", 0);
        AccountClient alice = connect("owner.alice");
        alice.publishExpecting(T.ownerToDevice("alice", "front"), "alice-to-front", 0);
        assertEquals("alice-to-front", front.next());
        front.assertNothingMore();
    }

    @Test
    void aRemovedOwnerLosesAccessAtOnceEvenWhileConnected() throws Exception {
        AccountClient alice = connect("owner.alice");
        alice.subscribe(T.rings("front"));
        AccountClient front = connect("doorbell.front");
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

    private AccountClient connect(String account) throws Exception {
        AccountClient c = new AccountClient(broker.tcpUri(), account, password(account));
        clients.add(c.mqtt);
        return c;
    }

    private void assertRefused(String user, String pass) {
        try {
            MqttAsyncClient c = new MqttAsyncClient(broker.tcpUri(), "refused-" + System.nanoTime(), new MemoryPersistence());
            clients.add(c);
            c.connect(AccountClient.options(user, pass)).waitForCompletion(5000);
            fail("the broker accepted " + (user == null ? "an anonymous client" : user + " with a wrong password"));
        } catch (MqttException e) {
            assertTrue(e.getReasonCode() == 134 || e.getReasonCode() == NOT_AUTHORIZED, "refused with " + e.getReasonCode() + ": " + e);
        }
    }
}
