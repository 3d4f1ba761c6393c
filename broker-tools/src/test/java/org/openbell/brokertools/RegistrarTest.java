package org.openbell.brokertools;

import org.openbell.signaling.access.BrokerAccess;
import org.openbell.signaling.access.MosquittoPasswords;
import org.openbell.signaling.access.RegistryMessages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.signaling.Topics;
import org.openbell.signaling.mqtt.MqttSettings;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * The registrar against a real Mosquitto under the generated access list: doorbell front pairs a
 * phone, which can then read front's rings with the password only front and the phone know;
 * doorbell back cannot take, remove or impersonate front's owners; an owner cannot send registry
 * requests at all; a removed phone loses access at once, even while connected.
 */
class RegistrarTest {

    private static final Topics T = Topics.defaults();

    @TempDir
    Path dir;
    private MosquittoBroker broker;
    private Registrar registrar;
    private final List<MqttAsyncClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        BrokerConfigTool.write(dir, BrokerAccess.of(T).withDoorbell("front").withDoorbell("back")
                .withOwner("alice", List.of("back")), null, null, 1883, 8884);
        broker = MosquittoBroker.startWithAccessControl(dir.resolve("passwd"), dir.resolve("acl"));
        registrar = Registrar.start(MqttSettings.builder(broker.tcpUri(), "registrar")
                .username(BrokerAccess.REGISTRAR).password(password(BrokerAccess.REGISTRAR))
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build(), BrokerFolder.at(dir), broker::reload);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!registrar.isConnected() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(registrar.isConnected(), "the registrar connected with its account");
    }

    @AfterEach
    void stop() {
        for (MqttAsyncClient c : clients) {
            try {
                c.disconnectForcibly(0, 1000, false);
                c.close(true);
            } catch (MqttException e) {
                // already gone
            }
        }
        registrar.close();
        broker.close();
    }

    @Test
    void aDoorbellPairsAPhoneThatThenReadsOnlyItsRingsAndRemovesIt() throws Exception {
        AccountClient front = doorbell("front");
        String phonePassword = MosquittoPasswords.newPassword();
        assertEquals(Optional.empty(), ask(front, "front", new RegistryMessages.PairOwner("req1", "phone1",
                MosquittoPasswords.hash(phonePassword))).error());
        assertFalse(Files.readString(dir.resolve("passwd")).contains(phonePassword), "only the hash reaches the broker");

        AccountClient phone = client("owner.phone1", phonePassword);
        phone.subscribe("openbell/#");
        AccountClient back = doorbell("back");
        back.publishExpecting(T.rings("back"), "back-ring", 0);
        front.publishExpecting(T.rings("front"), "front-ring", 0);
        assertEquals("front-ring", phone.next());
        phone.publishExpecting(T.ownerToDevice("phone1", "back"), "to-back", 135);
        phone.publishExpecting(T.ownerToDevice("phone1", "front"), "to-front", 0);
        phone.publishExpecting(T.registryRequests("front"), "{}", 135); // owners cannot ask the registrar anything

        assertEquals(Optional.empty(), ask(front, "front", new RegistryMessages.RemoveOwner("req2", "phone1")).error());
        front.publishExpecting(T.rings("front"), "after-removal", 0);
        phone.assertRefusedOrDisconnected(T.ownerToDevice("phone1", "front"));
        phone.assertNothingMore();
        assertRefused("owner.phone1", phonePassword);
        assertEquals(Optional.empty(), ask(front, "front", new RegistryMessages.RemoveOwner("req3", "phone1")).error(),
                "removing again is not an error");
    }

    @Test
    void aDoorbellCannotTakeRemoveOrActForAnotherDoorbellsOwners() throws Exception {
        AccountClient front = doorbell("front");
        AccountClient back = doorbell("back");
        String hash = MosquittoPasswords.hash("phone-password");
        assertTrue(ask(front, "front", new RegistryMessages.PairOwner("r1", "phone1", hash)).ok());
        assertEquals(Optional.of("owner id phone1 is taken"),
                ask(back, "back", new RegistryMessages.PairOwner("r2", "phone1", MosquittoPasswords.hash("hijack"))).error());
        assertEquals(Optional.of("owner phone1 was not paired by doorbell back"),
                ask(back, "back", new RegistryMessages.RemoveOwner("r3", "phone1")).error());
        assertEquals(Optional.of("owner id alice is taken"),
                ask(front, "front", new RegistryMessages.PairOwner("r4", "alice", hash)).error(), "hand-configured owners are not the doorbells'");
        back.publishExpecting(T.registryRequests("front"), "{}", 135); // nor can it speak as front
        front.subscribe(T.registryReplies("back"));
        back.publishExpecting(T.registryReplies("back"), "mine", 0);
        front.assertNothingMore(); // nor read back's replies
        assertTrue(Files.readString(dir.resolve("passwd")).contains("owner.phone1:" + hash), "phone1 is still front's");
    }

    @Test
    void malformedRequestsAreRefusedAndChangeNothing() throws Exception {
        String before = Files.readString(dir.resolve("passwd"));
        String hash = MosquittoPasswords.hash("x");
        for (String bad : List.of("not json", "{\"v\":1,\"type\":\"pair-owner\",\"requestId\":\"r\",\"ownerId\":\"evil\",\"passwordHash\":\""
                + hash + "\\nowner.mallory:" + hash + "\"}", "{\"v\":1,\"type\":\"pair-owner\",\"requestId\":\"r\",\"ownerId\":\"a/b\",\"passwordHash\":\""
                + hash + "\"}", "{\"v\":1,\"type\":\"pair-owner\",\"requestId\":\"r\",\"ownerId\":\"ok\",\"passwordHash\":\"" + hash
                + "\",\"admin\":true}", "{\"v\":2,\"type\":\"remove-owner\",\"requestId\":\"r\",\"ownerId\":\"alice\"}")) {
            assertThrows(IllegalArgumentException.class, () -> RegistryMessages.decodeRequest(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
        AccountClient front = doorbell("front");
        front.subscribe(T.registryReplies("front"));
        front.publishExpecting(T.registryRequests("front"), "{\"v\":1,\"type\":\"pair-owner\",\"requestId\":\"r\",\"ownerId\":\"evil\",\"passwordHash\":\""
                + hash + "\\nowner.mallory:" + hash + "\"}", 0);
        front.assertNothingMore();
        assertEquals(before, Files.readString(dir.resolve("passwd")));
        // A well-formed request after the bad one is still served: the registrar kept going.
        assertTrue(ask(front, "front", new RegistryMessages.PairOwner("r5", "phone2", hash)).ok());
    }

    @Test
    void aDoorbellCanPairOnlySoManyOwners() {
        Registrar offline = new Registrar(BrokerFolder.at(dir), () -> { }, java.time.Clock.systemUTC());
        String hash = MosquittoPasswords.hash("x");
        for (int i = 0; i < Registrar.MAX_OWNERS_PER_DOORBELL; i++) {
            assertTrue(offline.handle("front", new RegistryMessages.PairOwner("r" + i, "p" + i, hash)).ok());
        }
        assertEquals(Optional.of("doorbell front already has " + Registrar.MAX_OWNERS_PER_DOORBELL + " owners"),
                offline.handle("front", new RegistryMessages.PairOwner("rx", "one-more", hash)).error());
        assertTrue(offline.handle("front", new RegistryMessages.PairOwner("ry", "p0", MosquittoPasswords.hash("new"))).ok(),
                "re-pairing an owner it has (a new password) is not one more");
    }

    /** Sends {@code request} as doorbell {@code deviceId} and waits for the registrar's reply. */
    private RegistryMessages.Reply ask(AccountClient doorbell, String deviceId, RegistryMessages.Request request) throws Exception {
        doorbell.subscribe(T.registryReplies(deviceId));
        doorbell.publishExpecting(T.registryRequests(deviceId), new String(RegistryMessages.encode(request), StandardCharsets.UTF_8), 0);
        RegistryMessages.Reply reply = RegistryMessages.decodeReply(doorbell.next().getBytes(StandardCharsets.UTF_8));
        assertEquals(request.requestId(), reply.requestId());
        return reply;
    }

    private AccountClient doorbell(String id) throws Exception {
        return client("doorbell." + id, password("doorbell." + id));
    }

    private AccountClient client(String account, String password) throws Exception {
        AccountClient c = new AccountClient(broker.tcpUri(), account, password);
        clients.add(c.mqtt);
        return c;
    }

    private String password(String account) throws Exception {
        return Files.readString(dir.resolve("credentials").resolve(account)).trim();
    }

    private void assertRefused(String user, String pass) {
        try {
            client(user, pass);
            fail("the broker accepted " + user);
        } catch (Exception e) {
            assertTrue(e instanceof MqttException m && (m.getReasonCode() == 134 || m.getReasonCode() == 135), e.toString());
        }
    }
}
