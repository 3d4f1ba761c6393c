package org.openbell.agent.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.config.AgentConfig;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.agent.ring.RingState;
import org.openbell.agent.signaling.DeviceSignaling;
import org.openbell.hardware.Boards;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.signaling.Message;
import org.openbell.signaling.Ring;
import org.openbell.signaling.RingEnded;
import org.openbell.signaling.testing.FaultProxy;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * The fault-injection suite (issue 11): the agent talks to a real Mosquitto through a
 * {@link FaultProxy} the test controls; owners are connected to the broker directly. Each test
 * asserts the one rule: every press chimes; every ring still alive after recovery reaches every
 * owner exactly once; none arrives after its life; the status tells the truth meanwhile.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AgentFaultTest {

    @TempDir
    Path state;
    MosquittoBroker broker;
    FaultProxy proxy;
    Agent agent;
    final AtomicInteger chimes = new AtomicInteger();

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** The real reconnect defaults (250 ms .. 30 s), a short button lockout. */
    private void startAgent(String brokerUri, Duration ringTimeout) {
        AgentConfig config = ConfigLoader.parse("""
                device: {id: front-door, name: Front door}
                hardware: {mode: simulated, button: {debounce: 5ms, lockout: 300ms}, chime: {duration: 100ms}}
                ring: {timeout: %s}
                mqtt: {broker: "%s", webSocketUrl: "ws://127.0.0.1:1/mqtt", keepAlive: 30s}
                web: {bind: 127.0.0.1, port: 0}
                stateDir: "%s"
                """.formatted(ringTimeout.toMillis() + "ms", brokerUri, state), "fault test config");
        agent = Agent.start(config, hw -> new ChimeCounting((SimulatedBoard) Boards.open(hw), chimes));
    }

    private void press() throws InterruptedException {
        ((SimulatedBoard) agent.board()).press();
        Thread.sleep(400); // past the button lockout
    }

    private static void await(BooleanSupplier condition, String what, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit + " waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private boolean statusConnected() {
        return agent.status().mqttConnected();
    }

    /** Everything {@code owner} received within {@code window}: rings counted by (ringId, presses). */
    private static Map<String, Integer> drain(BlockingQueue<Message> queue, Duration window) throws InterruptedException {
        Map<String, Integer> seen = new HashMap<>();
        long end = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < end) {
            Message m = queue.poll(50, TimeUnit.MILLISECONDS);
            if (m instanceof Ring r) {
                seen.merge(r.ringId() + "#" + r.presses(), 1, Integer::sum);
            }
        }
        return seen;
    }

    /** The status's lastRingDelivery. */
    private org.openbell.agent.status.AgentStatus.RingDelivery delivery() {
        var d = agent.status().lastRingDelivery();
        assertTrue(d != null, "a lastRingDelivery in the status");
        return d;
    }

    /** Defect 2 at the agent: a proxy that accepts and closes (its broker down) for a long while, rings pressed meanwhile. */
    @Test
    void ringsPressedWhileAProxyAcceptsAndClosesArriveOnceWhenTheBrokerIsBack() throws Exception {
        broker = MosquittoBroker.start();
        proxy = FaultProxy.to(broker.tcpPort());
        startAgent(proxy.tcpUri(), Duration.ofSeconds(30));
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door")) {
            await(this::statusConnected, "agent connected", Duration.ofSeconds(20));
            proxy.mode(FaultProxy.Mode.ACCEPT_AND_CLOSE);
            await(() -> !statusConnected(), "the status says disconnected", Duration.ofSeconds(10));
            alice.rings.clear();
            press();
            await(() -> proxy.accepted() >= 15, "15 attempts accepted and closed", Duration.ofSeconds(60));
            assertFalse(statusConnected());
            assertEquals(RingState.RINGING, agent.ring().snapshot().state());
            String ringId = agent.ring().snapshot().ringId().orElseThrow();
            assertEquals(ringId, delivery().ringId());
            assertEquals("waiting", delivery().state(), "the status: the ring waits");
            proxy.mode(FaultProxy.Mode.PASS);
            await(this::statusConnected, "the status says connected again", Duration.ofSeconds(10));
            Map<String, Integer> seen = drain(alice.rings, Duration.ofSeconds(4));
            assertEquals(Map.of(ringId + "#1", 1), seen, "the ring, exactly once");
            assertEquals(ringId, delivery().ringId());
            assertEquals("broker-took-it", delivery().state(), "the status: the broker took it");
            long pressToBroker = delivery().pressToBrokerMs();
            assertTrue(pressToBroker > 1000, "taken only after the outage: " + pressToBroker + " ms");
            assertEquals(1, chimes.get());
        }
    }

    /** Defects 3 and 4 at the agent: a silent link during presses; rings alive when it heals arrive once, an expired one never. */
    @Test
    void aSilentLinkDeliversLiveRingsOnceAndExpiredOnesNever() throws Exception {
        broker = MosquittoBroker.start();
        proxy = FaultProxy.to(broker.tcpPort());
        startAgent(proxy.tcpUri(), Duration.ofSeconds(8));
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door");
                OwnerClient bob = new OwnerClient(broker.tcpUri(), "bob", "front-door")) {
            await(this::statusConnected, "agent connected", Duration.ofSeconds(20));
            proxy.mode(FaultProxy.Mode.BLACKHOLE);
            press(); // ring 1: expires 8 s later, during the blackhole
            String expired = agent.ring().snapshot().ringId().orElseThrow();
            await(() -> !statusConnected(), "the silent link noticed (ack timeout)", Duration.ofSeconds(15));
            await(() -> agent.ring().snapshot().state() == RingState.IDLE, "ring 1 timed out", Duration.ofSeconds(15));
            press(); // ring 2: alive when the path heals
            String live = agent.ring().snapshot().ringId().orElseThrow();
            Thread.sleep(1000);
            proxy.mode(FaultProxy.Mode.PASS);
            await(this::statusConnected, "reconnected", Duration.ofSeconds(10));
            for (OwnerClient owner : List.of(alice, bob)) {
                Map<String, Integer> seen = drain(owner.rings, Duration.ofSeconds(3));
                assertEquals(Map.of(live + "#1", 1), seen, owner.ownerId + ": the live ring once, the expired one never (" + expired + ")");
            }
            assertEquals(2, chimes.get());
        }
    }

    /** Defect 1 at the agent: a 131 019-byte message on its command topic (a broker with no size limit) leaves it on the air. */
    @Test
    void anOversizedCommandDoesNotTakeTheDoorbellOffTheAir() throws Exception {
        broker = MosquittoBroker.startWithoutPacketLimit();
        startAgent(broker.tcpUri(), Duration.ofSeconds(30));
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door")) {
            await(this::statusConnected, "agent connected", Duration.ofSeconds(20));
            try (MqttBigSender mallory = new MqttBigSender(broker.tcpUri())) {
                mallory.send(alice.topics.ownerToDevice("mallory", "front-door"), new byte[131_019]);
            }
            Thread.sleep(1500);
            assertTrue(statusConnected(), "still connected: " + agent.status().mqttError());
            alice.rings.clear();
            press();
            Ring ring = alice.next(alice.rings, Ring.class);
            assertEquals(agent.ring().snapshot().ringId().orElseThrow(), ring.ringId());
            assertTrue(statusConnected());
        }
    }

    /**
     * Defect 6: a flood of hostile messages with valid ones mixed in: none of the valid ones is
     * lost, the counters add up (received = accepted + rejected), and a press during the flood rings.
     */
    @Test
    void aFloodOfHostileMessagesLosesNoValidOneAndTheCountersAddUp() throws Exception {
        broker = MosquittoBroker.start();
        startAgent(broker.tcpUri(), Duration.ofSeconds(30));
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door");
                OwnerClient mallory = new OwnerClient(broker.tcpUri(), "mallory", "front-door")) {
            await(this::statusConnected, "agent connected", Duration.ofSeconds(20));
            Thread.sleep(300);
            byte[] hostile = "{\"v\":1,\"type\":\"ring-answer\",\"deviceId\":\"front-door\",\"ringId\":\"x\",\"at\":1,\"evil\":\"\\n forged line\"}"
                    .getBytes(StandardCharsets.UTF_8);
            byte[] garbage = "not json\n2026-12-01 FAKE LOG LINE".getBytes(StandardCharsets.UTF_8);
            List<java.util.concurrent.CompletableFuture<Void>> sent = new ArrayList<>();
            int hostileCount = 0;
            int valid = 0;
            for (int i = 0; i < 5000; i++) {
                sent.add(mallory.link.publish(org.openbell.signaling.mqtt.Outgoing.qos1(
                        mallory.topics.ownerToDevice("mallory", "front-door"), i % 2 == 0 ? hostile : garbage)));
                hostileCount++;
                if (i % 50 == 0) {
                    // A valid decline of a ring that is not ringing: accepted by the decoder, ignored by the ring.
                    alice.decline("r-not-ringing-" + i);
                    valid++;
                }
                if (i == 2500) {
                    press();
                }
                if (sent.size() >= 400) { // within mallory's own outbox
                    for (var f : sent) {
                        f.get(30, TimeUnit.SECONDS);
                    }
                    sent.clear();
                }
            }
            for (var f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
            DeviceSignaling.Inbound expected = new DeviceSignaling.Inbound(hostileCount + valid, valid, hostileCount);
            await(() -> agent.signaling().inbound().equals(expected), "all " + (hostileCount + valid) + " messages counted, now "
                    + agent.signaling().inbound(), Duration.ofSeconds(60));
            assertEquals(expected, agent.signaling().inbound());
            Ring ring = alice.next(alice.rings, Ring.class);
            assertEquals(1, ring.presses());
            assertTrue(statusConnected());
            assertEquals(RingState.RINGING, agent.ring().snapshot().state(), "hostile answers did not end the ring");
            assertTrue(alice.rings.stream().noneMatch(RingEnded.class::isInstance));
        }
    }

    /**
     * A broker restart of a minute (a real Mosquitto stopped and started): a ring pressed early in
     * the outage expires unseen; one pressed late, still alive when the broker is back, reaches both
     * owners exactly once within a few seconds (the backoff had grown to its 30 s cap: defect 3).
     */
    @Test
    void aMinuteLongBrokerRestartDeliversTheRingStillAliveOnceAndTheExpiredOneNever() throws Exception {
        broker = MosquittoBroker.start();
        startAgent(broker.tcpUri(), Duration.ofSeconds(30));
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door");
                OwnerClient bob = new OwnerClient(broker.tcpUri(), "bob", "front-door")) {
            await(this::statusConnected, "agent connected", Duration.ofSeconds(20));
            broker.stop();
            await(() -> !statusConnected(), "the status says disconnected", Duration.ofSeconds(10));
            press(); // expires 30 s later, during the outage
            String expired = agent.ring().snapshot().ringId().orElseThrow();
            await(() -> agent.ring().snapshot().state() == RingState.IDLE, "the first ring timed out", Duration.ofSeconds(40));
            Thread.sleep(15_000); // a minute in all, by the time the broker is back
            press();
            String live = agent.ring().snapshot().ringId().orElseThrow();
            Thread.sleep(10_000);
            broker.startAgain();
            await(this::statusConnected, "reconnected", Duration.ofSeconds(5));
            for (OwnerClient owner : List.of(alice, bob)) {
                owner.awaitConnected(Duration.ofSeconds(20));
            }
            for (OwnerClient owner : List.of(alice, bob)) {
                Map<String, Integer> seen = drain(owner.rings, Duration.ofSeconds(4));
                assertEquals(Map.of(live + "#1", 1), seen, owner.ownerId + ": the live ring once, never the expired " + expired);
            }
            assertEquals(2, chimes.get());
        }
    }
}
