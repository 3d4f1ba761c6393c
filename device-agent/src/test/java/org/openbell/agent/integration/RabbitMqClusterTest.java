package org.openbell.agent.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.Closing;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.signaling.Hangup;
import org.openbell.signaling.Offer;
import org.openbell.signaling.Presence;
import org.openbell.signaling.PresenceRequest;
import org.openbell.signaling.Ring;
import org.openbell.signaling.RingEnded;
import org.openbell.signaling.RingAnswer;
import org.openbell.signaling.Topics;
import org.openbell.signaling.access.BrokerAccess;
import org.openbell.signaling.testing.AccessMatrix;

/**
 * Issue 16: a RabbitMQ 4 cluster of three nodes (Debian trixie's rabbitmq-server, MQTT plugin), the
 * doorbell on node 1, owners on nodes 2 and 3: the doorbell is online for them (by presence-request:
 * RabbitMQ's retained store is per node), a press rings both, the first answer wins; then node 1
 * is killed during a burst of presses, the doorbell moves on and the ring, with every press, reaches both owners.
 * Each node runs in a network namespace of its own ({@link ClusterNetwork}), as on three machines;
 * the whole access matrix ({@link AccessMatrix}) holds on the cluster, readers and writers on different nodes;
 * Home Assistant on another node than the doorbell's discovers it and sees it available.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RabbitMqClusterTest {

    @TempDir
    static Path state;
    static final List<RabbitMqNode> nodes = new ArrayList<>();
    static ClusterNetwork network;
    static Path credentials;

    static String password(String account) throws java.io.IOException {
        return java.nio.file.Files.readString(credentials.resolve(account)).strip();
    }

    @BeforeAll
    static void cluster() throws Exception {
        String unavailable = RabbitMqNode.unavailableReason();
        assumeTrue(unavailable == null, unavailable);
        network = ClusterNetwork.create(3);
        String cookie = "openbell-test-" + ProcessHandle.current().pid();
        for (int i = 1; i <= 3; i++) {
            nodes.add(RabbitMqNode.start("n" + i, network, i, cookie,
                    org.openbell.brokertools.RabbitMqSetup.conf(null, null, RabbitMqNode.MQTT_PORT, RabbitMqNode.WEB_MQTT_PORT)));
        }
        for (RabbitMqNode node : nodes.subList(1, 3)) {
            node.ctl("stop_app");
            node.ctl("join_cluster", nodes.getFirst().nodeName());
            node.ctl("start_app");
        }
        String status = nodes.getFirst().ctl("cluster_status");
        assertTrue(status.contains(nodes.get(1).nodeName()) && status.contains(nodes.get(2).nodeName()), status);
        // The accounts and topic permissions, as scripts/broker-config --rabbitmq makes them (the same
        // grants as the Mosquitto access list): alice and bob are paired with front-door, mallory with back-door only.
        RabbitMqNode n1 = nodes.getFirst();
        BrokerAccess access = BrokerAccess.of(Topics.defaults()).withDoorbell("front-door").withDoorbell("back-door")
                .withOwner("alice", List.of("front-door")).withOwner("bob", List.of("front-door")).withOwner("mallory", List.of("back-door"))
                .withHomeAssistant("house", List.of("front-door"));
        Path setup = RabbitMqNode.ROOT.resolve("srv").resolve("openbell-setup-" + ProcessHandle.current().pid());
        // A password that starts with "-" (a generated one may) must not be taken for an option: bob's is kept from a "previous run".
        java.nio.file.Files.createDirectories(setup.resolve("credentials"));
        java.nio.file.Files.writeString(setup.resolve("credentials").resolve("owner.bob"), "-bob-s-password-starts-with-a-dash\n");
        org.openbell.brokertools.BrokerConfigTool.writeRabbitMq(setup, access, null, null, 1883, 15675);
        credentials = setup.resolve("credentials");
        String said = n1.shell("RABBITMQCTL=/usr/lib/rabbitmq/bin/rabbitmqctl bash /srv/" + setup.getFileName() + "/rabbitmq-accounts.sh");
        assertTrue(said.contains("accounts set"), said);
        // The same accounts again as definitions (what a fleet imports in one call, and scripts/bench-fleet
        // uses): every test below signs in with the passwords as hashed there.
        n1.ctl("import_definitions", "/srv/" + setup.getFileName() + "/rabbitmq-definitions.json");
        assertTrue(!n1.ctl("list_users").contains("guest"), "no guest user");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            Closing.all(nodes.toArray(AutoCloseable[]::new));
        } finally {
            if (!nodes.isEmpty()) {
                RabbitMqNode.unmount();
            }
            if (network != null) {
                network.close();
            }
            if (credentials != null) {
                try (var walk = java.nio.file.Files.walk(credentials.getParent())) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        java.nio.file.Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    /** Every cell of the access table, each account on another node than the one before it. */
    @Test
    @Order(1)
    void theAccessMatrixHoldsOnTheCluster() throws Exception {
        AccessMatrix matrix = new AccessMatrix(Topics.defaults(), "front-door", "back-door", "alice", "mallory", "house", "homeassistant", true);
        List<AccessMatrix.Breach> breaches = matrix.check(account -> nodes.get(matrix.accounts().indexOf(account) % 3).tcpUri(), account -> {
            try {
                return password(account);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(breaches.isEmpty(), breaches.size() + " cells differ:\n" + String.join("\n", breaches.stream().map(Object::toString).toList()));
    }

    /**
     * Home Assistant on node 3, the doorbell on node 1: retained messages are per node and never sent
     * for Home Assistant's wildcard discovery filters, so it learns of the doorbell by its birth
     * message, and must then see it available and its state.
     */
    @Test
    @Order(2)
    void homeAssistantOnAnotherNodeDiscoversTheDoorbellAndSeesItAvailable() throws Exception {
        RabbitMqNode n1 = nodes.get(0);
        RabbitMqNode n3 = nodes.get(2);
        try (Agent agent = Agent.start(ConfigLoader.parse("""
                device: {id: front-door, name: Front door}
                hardware: {mode: simulated}
                mqtt: {broker: ["%s"], webSocketUrl: "%s", username: doorbell.front-door, password: "%s", clientId: "front-door-%s",
                       reconnectMin: 100ms, reconnectMax: 1s}
                web: {bind: 127.0.0.1, port: 0}
                push: {enabled: false}
                homeAssistant: {enabled: true}
                media: {audio: simulated}
                stateDir: "%s"
                """.formatted(n1.tcpUri(), n1.webSocketUri(), password("doorbell.front-door"), java.util.UUID.randomUUID().toString().replace("-", ""),
                state.resolve("agent-ha")), "cluster test"));
                SimulatedHomeAssistant house = new SimulatedHomeAssistant(n3.tcpUri(), "homeassistant.house", password("homeassistant.house"))) {
            for (int i = 0; i < 400 && !agent.status().mqttConnected(); i++) {
                Thread.sleep(25);
            }
            house.comeOnline();
            var discovery = house.discovered("homeassistant/device/openbell_front-door/config");
            house.subscribeToEntities(discovery);
            assertEquals("online", house.availability(), "Home Assistant sees the doorbell available");
            assertTrue(house.state().has("chime_silent"), "and its state");
        }
    }

    @Test
    @Order(3)
    void ownersOnOtherNodesAreRungAndTheDoorbellSurvivesLosingItsNode() throws Exception {
        RabbitMqNode n1 = nodes.get(0);
        RabbitMqNode n2 = nodes.get(1);
        RabbitMqNode n3 = nodes.get(2);
        Agent agent = null;
        try {
            agent = Agent.start(ConfigLoader.parse("""
                    device: {id: front-door, name: Front door}
                    hardware: {mode: simulated, button: {debounce: 5ms, lockout: 300ms}, chime: {duration: 200ms}}
                    ring: {timeout: 20s}
                    mqtt: {broker: ["%s", "%s", "%s"], webSocketUrl: "%s", username: doorbell.front-door, password: "%s",
                           clientId: "front-door-%s",
                           reconnectMin: 100ms, reconnectMax: 1s, keepAlive: 5s}
                    web: {bind: 127.0.0.1, port: 0}
                    push: {enabled: false}
                    media: {audio: simulated}
                    stateDir: "%s"
                    """.formatted(n1.tcpUri(), n2.tcpUri(), n3.tcpUri(), n1.webSocketUri(), password("doorbell.front-door"),
                    java.util.UUID.randomUUID().toString().replace("-", ""),
                    state.resolve("agent")), "cluster test"));
            Agent a = agent;
            for (int i = 0; i < 400 && !a.status().mqttConnected(); i++) {
                Thread.sleep(25);
            }
            assertEquals(n1.tcpUri(), agent.status().mqttBroker(), "the doorbell on node 1");
            try (OwnerClient alice = new OwnerClient(n2.tcpUri(), "alice", "front-door", "owner.alice", password("owner.alice"));
                    OwnerClient bob = new OwnerClient(n3.tcpUri(), "bob", "front-door", "owner.bob", password("owner.bob"))) {
                for (OwnerClient owner : List.of(alice, bob)) {
                    owner.send(new PresenceRequest("front-door", Instant.now()));
                    Presence online = owner.next(owner.fromDevice, Presence.class);
                    assertEquals(Presence.State.ONLINE, online.state(), owner.ownerId + " learns the doorbell is online");
                }

                // A press rings both; the first answer wins. Mallory, paired with another doorbell, is not
                // rung (her subscriptions to front-door's topics are refused) and cannot answer.
                OwnerClient mallory = new OwnerClient(n3.tcpUri(), "mallory", "front-door", "owner.mallory", password("owner.mallory"));
                ((SimulatedBoard) agent.board()).press();
                Ring ringA = alice.next(alice.rings, Ring.class);
                Ring ringB = bob.next(bob.rings, Ring.class);
                assertEquals(ringA.ringId(), ringB.ringId());
                try {
                    mallory.send(new RingAnswer("front-door", ringA.ringId(), Instant.now()));
                } catch (Exception refused) {
                    // RabbitMQ refuses the publish (not authorized): the doorbell never sees it
                }
                Thread.sleep(500);
                assertEquals("RINGING", agent.ring().snapshot().state().name(), "mallory's answer never reached the doorbell");
                assertEquals(null, mallory.rings.poll(), "mallory is not rung");
                mallory.close();
                alice.answer(ringA.ringId());
                bob.answer(ringA.ringId());
                RingEnded endedA = alice.next(alice.rings, RingEnded.class);
                RingEnded endedB = bob.next(bob.rings, RingEnded.class);
                assertEquals(java.util.Optional.of("alice"), endedA.by());
                assertEquals(endedA, endedB);
                // The call's signaling crosses nodes too: the doorbell's offer (from its real media worker)
                // reaches alice on node 2, and her hangup reaches the doorbell on node 1.
                Offer offer = alice.next(alice.fromDevice, Offer.class);
                assertTrue(offer.sdp().contains("m=video"), "an offer with video");
                alice.send(new Hangup("front-door", offer.sessionId(), Hangup.Reason.NORMAL, Instant.now()));
                for (int i = 0; i < 400 && agent.calls().snapshot().callPhase().isPresent(); i++) {
                    Thread.sleep(25);
                }
                assertEquals(java.util.Optional.empty(), agent.calls().snapshot().callPhase(), "alice's hangup ended the call");
                for (int i = 0; i < 400 && !agent.ring().snapshot().state().name().equals("IDLE"); i++) {
                    Thread.sleep(25);
                }

                // RabbitMQ lets any account take over a session by its client id (reason 142): the doorbell
                // has a secret one (mqtt.clientId), so an owner trying the default id throws nobody off.
                String before = a.status().mqttBroker();
                java.util.concurrent.atomic.AtomicInteger drops = new java.util.concurrent.atomic.AtomicInteger();
                agent.signaling().onConnection((connected, cause) -> {
                    if (!connected) {
                        drops.incrementAndGet();
                    }
                });
                try (var thief = org.openbell.signaling.mqtt.MqttLink.start(org.openbell.signaling.mqtt.MqttSettings
                        .builder(java.util.List.of(n1.tcpUri(), n2.tcpUri()), "openbell-device-front-door")
                        .username("owner.alice").password(password("owner.alice"))
                        .backoff(java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(1)).build())) {
                    for (int i = 0; i < 30; i++) {
                        Thread.sleep(100);
                        assertTrue(a.status().mqttConnected(), "the doorbell stays connected");
                    }
                }
                assertEquals(before, a.status().mqttBroker(), "and on the same node");
                assertEquals(0, drops.get(), "not thrown off once");

                // Node 1 dies during a burst of presses: the doorbell moves on and the ring, with every press
                // of the burst, reaches both owners.
                Thread.sleep(400); // past the button's lockout
                ((SimulatedBoard) agent.board()).press();
                n1.kill();
                for (int i = 0; i < 2; i++) {
                    Thread.sleep(350);
                    ((SimulatedBoard) agent.board()).press();
                }
                Ring second = alice.next(alice.rings, Ring.class);
                assertEquals(second.ringId(), bob.next(bob.rings, Ring.class).ringId());
                assertTrue(!second.ringId().equals(ringA.ringId()));
                for (OwnerClient owner : List.of(alice, bob)) {
                    int presses = second.presses();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                    while (presses < 3 && System.nanoTime() < deadline) {
                        var m = owner.rings.poll(100, TimeUnit.MILLISECONDS);
                        if (m instanceof Ring r && r.ringId().equals(second.ringId())) {
                            assertTrue(r.presses() >= presses, "presses never go back: " + r.presses() + " after " + presses);
                            presses = r.presses();
                        }
                    }
                    assertEquals(3, presses, owner.ownerId + " is told of all three presses of the burst");
                }
                List<String> others = List.of(n2.tcpUri(), n3.tcpUri());
                for (int i = 0; i < 800 && !(a.status().mqttConnected() && others.contains(a.status().mqttBroker())); i++) {
                    Thread.sleep(25);
                }
                assertTrue(others.contains(agent.status().mqttBroker()), "moved: " + agent.status().mqttBroker());
                // A node killed between routing the ring and acknowledging it makes the doorbell send it
                // again on the next node: the owner may get a second copy. It is the same message (same
                // ring, same presses), which every receiver takes once (docs/protocol.md, "Duplicates").
                Thread.sleep(1000);
                for (Object copy : alice.rings.toArray()) {
                    if (copy instanceof Ring r && r.ringId().equals(second.ringId())) {
                        assertEquals(second.presses(), r.presses(), "a copy, not another press");
                        assertEquals(second.expiresAt(), r.expiresAt());
                    }
                }
            }
        } finally {
            Closing.all(agent);
        }
    }
}
