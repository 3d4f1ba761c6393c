package org.openbell.agent.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.TestAgents;
import org.openbell.agent.ring.RingState;
import org.openbell.hardware.Boards;
import org.openbell.hardware.Button;
import org.openbell.hardware.Chime;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.hardware.StatusLed;
import org.openbell.signaling.Presence;
import org.openbell.signaling.Ring;
import org.openbell.signaling.RingAnswer;
import org.openbell.signaling.RingDecline;
import org.openbell.signaling.RingEnded;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * The agent against a real Mosquitto: rings reach owners, answers come back, presence and the
 * Last Will, the broker going away and coming back, and hostile input on the agent's topics.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AgentOverMqttTest {

    @TempDir
    Path state;
    MosquittoBroker broker;
    Agent agent;
    final AtomicInteger chimes = new AtomicInteger();

    @BeforeEach
    void start() {
        broker = MosquittoBroker.start();
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        broker.close();
    }

    private void startAgent(Duration ringTimeout) {
        agent = Agent.start(TestAgents.config(broker.tcpUri(), broker.webSocketUri(), state, ringTimeout),
                hw -> new ChimeCounting((SimulatedBoard) Boards.open(hw), chimes));
    }

    private void press() {
        ((SimulatedBoard) agent.board()).press();
    }

    private void awaitState(RingState state) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            if (agent.ring().snapshot().state() == state) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("agent never reached " + state + ", is " + agent.ring().snapshot());
    }

    private void awaitConnected() throws InterruptedException {
        for (int i = 0; i < 800 && !agent.signaling().isConnected(); i++) {
            Thread.sleep(25);
        }
        assertTrue(agent.signaling().isConnected(), "agent connected to the broker");
    }

    @Test
    void aPressRingsEveryOwnerAndTheFirstAnswerWins() throws Exception {
        startAgent(Duration.ofSeconds(30));
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door");
                OwnerClient bob = new OwnerClient(broker.tcpUri(), "bob", "front-door")) {
            awaitConnected();
            press();
            Ring ringA = alice.next(alice.rings, Ring.class);
            Ring ringB = bob.next(bob.rings, Ring.class);
            assertEquals(ringA, ringB);
            assertEquals(1, ringA.presses());
            assertTrue(ringA.expiresAt().isAfter(Instant.now()));
            assertEquals(1, chimes.get());

            alice.answer(ringA.ringId());
            RingEnded seenByBob = bob.next(bob.rings, RingEnded.class);
            assertEquals(RingEnded.Outcome.ANSWERED, seenByBob.outcome());
            assertEquals("alice", seenByBob.by().orElseThrow(), "bob learns who answered");
            assertEquals(seenByBob, alice.next(alice.rings, RingEnded.class));

            bob.answer(ringA.ringId()); // too late: ignored, no second ring-ended
            alice.decline(ringA.ringId());
            Thread.sleep(500);
            assertTrue(bob.rings.stream().noneMatch(RingEnded.class::isInstance), "a stale answer changes nothing");
            assertEquals(RingState.IDLE, agent.ring().snapshot().state());
        }
    }

    @Test
    void anUnansweredRingTimesOut() throws Exception {
        startAgent(Duration.ofSeconds(1));
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door")) {
            awaitConnected();
            press();
            Ring ring = alice.next(alice.rings, Ring.class);
            RingEnded ended = alice.next(alice.rings, RingEnded.class);
            assertEquals(ring.ringId(), ended.ringId());
            assertEquals(RingEnded.Outcome.TIMED_OUT, ended.outcome());
        }
    }

    /** Protocol 1.4: what is retained comes again, live, to an owner who asks (a cluster's retained store may be per node). */
    @Test
    void aPresenceRequestIsAnsweredOnTheOwnersOwnTopic() throws Exception {
        startAgent(Duration.ofSeconds(30));
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door")) {
            awaitConnected();
            alice.send(new org.openbell.signaling.PresenceRequest("front-door", Instant.now()));
            org.openbell.signaling.Presence presence = alice.next(alice.fromDevice, org.openbell.signaling.Presence.class);
            assertEquals(org.openbell.signaling.Presence.State.ONLINE, presence.state());
            org.openbell.signaling.Capabilities capabilities = alice.next(alice.fromDevice, org.openbell.signaling.Capabilities.class);
            assertEquals(4, capabilities.replies().size());
            alice.send(new org.openbell.signaling.PresenceRequest("front-door", Instant.now()));
            Thread.sleep(500);
            assertEquals(null, alice.fromDevice.poll(), "a second request within 2 s gets no second answer");
        }
    }

    @Test
    void presenceIsRetainedAndTheAgentSaysGoodbye() throws Exception {
        startAgent(Duration.ofSeconds(30));
        awaitConnected();
        try (OwnerClient late = new OwnerClient(broker.tcpUri(), "late", "front-door")) {
            Presence online = late.next(late.presence, Presence.class);
            assertEquals(Presence.State.ONLINE, online.state(), "a late subscriber gets the retained presence");
            agent.close();
            agent = null;
            Presence offline = late.next(late.presence, Presence.class);
            assertEquals(Presence.State.OFFLINE, offline.state());
        }
        try (OwnerClient later = new OwnerClient(broker.tcpUri(), "later", "front-door")) {
            assertEquals(Presence.State.OFFLINE, later.next(later.presence, Presence.class).state(), "offline is retained too");
        }
    }

    @Test
    void aRingPressedWhileTheBrokerIsDownIsDeliveredWhenItReturns() throws Exception {
        startAgent(Duration.ofSeconds(60));
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door")) {
            awaitConnected();
            broker.stop();
            for (int i = 0; i < 400 && agent.signaling().isConnected(); i++) {
                Thread.sleep(25);
            }
            press();
            awaitState(RingState.RINGING);
            assertEquals(1, chimes.get(), "the chime sounds with the broker down");
            String ringId = agent.ring().snapshot().ringId().orElseThrow();

            broker.startAgain();
            Ring ring = alice.next(alice.rings, Ring.class);
            assertEquals(ringId, ring.ringId(), "the ring reaches the owner after the broker returns");
            alice.answer(ring.ringId());
            assertEquals(RingEnded.Outcome.ANSWERED, alice.next(alice.rings, RingEnded.class).outcome());
        }
    }

    @Test
    void theAgentReconnectsAfterABrokerRestartAndKeepsListeningToOwners() throws Exception {
        startAgent(Duration.ofSeconds(30));
        awaitConnected();
        broker.stop();
        for (int i = 0; i < 400 && agent.signaling().isConnected(); i++) {
            Thread.sleep(25);
        }
        broker.startAgain();
        awaitConnected();
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door")) {
            assertEquals(Presence.State.ONLINE, alice.next(alice.presence, Presence.class).state(),
                    "presence is republished after reconnecting");
            press();
            Ring ring = alice.next(alice.rings, Ring.class);
            alice.answer(ring.ringId());
            assertEquals("alice", alice.next(alice.rings, RingEnded.class).by().orElseThrow());
        }
    }

    @Test
    void hostileInputIsRejectedAndTheDoorbellKeepsRinging() throws Exception {
        startAgent(Duration.ofSeconds(30));
        try (OwnerClient mallory = new OwnerClient(broker.tcpUri(), "mallory", "front-door")) {
            awaitConnected();
            press();
            Ring ring = mallory.next(mallory.rings, Ring.class);
            String id = ring.ringId();
            mallory.sendRaw("{not json".getBytes(StandardCharsets.UTF_8));
            mallory.sendRaw(("{\"v\":1,\"type\":\"ring-answer\",\"deviceId\":\"front-door\",\"ringId\":\"" + id
                    + "\",\"at\":1,\"pad\":\"" + "x".repeat(65_600) + "\"}").getBytes(StandardCharsets.UTF_8));
            mallory.sendRaw(("{\"v\":2,\"type\":\"ring-answer\",\"deviceId\":\"front-door\",\"ringId\":\"" + id
                    + "\",\"at\":1}").getBytes(StandardCharsets.UTF_8));
            mallory.sendRaw("{\"v\":1,\"type\":\"open-door\",\"deviceId\":\"front-door\"}".getBytes(StandardCharsets.UTF_8));
            mallory.sendRaw(("{\"v\":1,\"type\":\"ring-answer\",\"deviceId\":\"front-door\",\"ringId\":\"" + id
                    + "\",\"at\":1,\"ownerId\":\"alice\"}").getBytes(StandardCharsets.UTF_8));
            mallory.sendRaw(mallory.codec.encode(new RingAnswer("back-door", id, Instant.now())));
            mallory.sendRaw(mallory.codec.encode(ring)); // a device message on an owner topic
            mallory.sendRaw(new byte[] {(byte) 0xff, (byte) 0xfe, 0x00});

            Map<String, Long> expected = Map.of("malformed", 2L, "too-large", 1L, "unsupported-version", 1L,
                    "unknown-type", 1L, "unknown-field", 1L, "other-doorbell", 1L, "not-an-owner-message", 1L);
            for (int i = 0; i < 400 && !agent.signaling().rejections().snapshot().equals(expected); i++) {
                Thread.sleep(25);
            }
            assertEquals(expected, agent.signaling().rejections().snapshot());
            assertEquals(RingState.RINGING, agent.ring().snapshot().state(), "none of it touched the ring");

            mallory.answer(id);
            assertEquals(RingEnded.Outcome.ANSWERED, mallory.next(mallory.rings, RingEnded.class).outcome());
            Thread.sleep(400); // past the lockout
            press();
            Ring next = mallory.next(mallory.rings, Ring.class);
            assertTrue(!next.ringId().equals(id), "the doorbell still rings after all that");
        }
    }

    @Test
    void aCommandLeftRetainedIsNotActedOnWhenTheDoorbellConnects() throws Exception {
        try (OwnerClient mallory = new OwnerClient(broker.tcpUri(), "mallory", "front-door")) {
            // Left on the broker before the doorbell comes up: a decline of whatever ring it will make.
            mallory.sendRetained(mallory.codec.encode(new RingDecline("front-door", "r-left-behind", Instant.now())));
            startAgent(Duration.ofSeconds(30));
            awaitConnected();
            for (int i = 0; i < 200 && !agent.signaling().rejections().snapshot().containsKey("retained"); i++) {
                Thread.sleep(25);
            }
            assertEquals(Map.of("retained", 1L), agent.signaling().rejections().snapshot());
            press();
            mallory.next(mallory.rings, Ring.class);
            assertEquals(RingState.RINGING, agent.ring().snapshot().state());
            mallory.clearRetained();
        }
    }

}
