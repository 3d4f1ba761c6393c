package org.openbell.agent.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.TestAgents;
import org.openbell.agent.push.PushServiceStandIn;
import org.openbell.agent.push.PushServiceStandIn.Answer;
import org.openbell.hardware.Boards;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.signaling.Message;
import org.openbell.signaling.MessageCodec;
import org.openbell.signaling.PushKey;
import org.openbell.signaling.PushStatus;
import org.openbell.signaling.PushSubscribe;
import org.openbell.signaling.PushUnsubscribe;
import org.openbell.signaling.Ring;
import org.openbell.signaling.RingEnded;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * Issue 12: rings reach phones by Web Push sent by the doorbell itself. A real agent and a real
 * Mosquitto; the push service is a stand-in on loopback HTTPS that checks each VAPID token and
 * decrypts each payload with the subscription's private key, as a browser's push service and the
 * browser would.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WebPushTest {

    @TempDir
    Path state;
    MosquittoBroker broker;
    PushServiceStandIn pushService;
    Agent agent;
    final AtomicInteger chimes = new AtomicInteger();
    final MessageCodec codec = new MessageCodec();

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoBroker.start();
        pushService = PushServiceStandIn.start(state.resolve("push-service"));
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        pushService.close();
        broker.close();
    }

    private void startAgent(Duration ringTimeout) throws InterruptedException {
        startAgent(ringTimeout, java.time.Clock.systemUTC());
    }

    private void startAgent(Duration ringTimeout, java.time.Clock clock) throws InterruptedException {
        String push = """
                push:
                  contact: "mailto:tests@openbell.invalid"
                  allowedHosts: ["%s"]
                  allowPrivateNetworks: true
                  caFile: "%s"
                """.formatted(pushService.host(), pushService.caFile());
        agent = Agent.start(TestAgents.config(broker.tcpUri(), broker.webSocketUri(), state.resolve("agent"), ringTimeout, push),
                hw -> new ChimeCounting((SimulatedBoard) Boards.open(hw), chimes), clock);
        for (int i = 0; i < 800 && !agent.signaling().isConnected(); i++) {
            Thread.sleep(25);
        }
        assertTrue(agent.signaling().isConnected(), "agent connected to the broker");
    }

    private PushServiceStandIn.Subscription subscribe(OwnerClient owner) throws Exception {
        PushServiceStandIn.Subscription s = pushService.subscribe();
        owner.send(new PushSubscribe("front-door", s.endpoint(), s.p256dh(), s.auth(), Instant.now()));
        PushStatus status = owner.next(owner.fromDevice, PushStatus.class);
        assertEquals(new PushStatus("front-door", s.endpoint(), PushStatus.State.SUBSCRIBED, Optional.empty(), status.at()), status);
        return s;
    }

    private Message decode(String plaintext) throws Exception {
        return codec.decode(plaintext.getBytes(StandardCharsets.UTF_8));
    }

    private org.openbell.agent.status.AgentStatus.Push pushStatus() {
        return agent.status().push();
    }

    @Test
    void aPressReachesEveryPhoneByPushAndItsEndReplacesTheRing() throws Exception {
        startAgent(Duration.ofSeconds(30));
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door");
                OwnerClient bob = new OwnerClient(broker.tcpUri(), "bob", "front-door")) {
            PushKey key = alice.next(alice.pushKey, PushKey.class);
            assertEquals(agent.pageConfig().pushKey(), key.key(), "the page and the retained push-key carry one key");
            subscribe(alice);
            subscribe(alice); // the hosted app on the same phone, or a second browser
            subscribe(bob);
            assertEquals(3, pushStatus().subscriptions());

            ((SimulatedBoard) agent.board()).press();
            Ring ring = alice.next(alice.rings, Ring.class);
            List<PushServiceStandIn.Received> rings = pushService.await("\"type\":\"ring\"", 3, 10_000);
            assertEquals(3, rings.size(), "one push per subscription: " + pushService.received() + " " + pushService.refusals());
            assertEquals(3, rings.stream().map(PushServiceStandIn.Received::subscription).distinct().count());
            for (PushServiceStandIn.Received r : rings) {
                assertEquals(ring, decode(r.plaintext()), "the push carries the ring itself");
                assertTrue(r.ttl() > 0 && r.ttl() <= 30, "TTL is the ring's remaining life: " + r.ttl());
                assertEquals("high", r.urgency());
                assertEquals("front-door", r.topic());
                assertEquals(key.key(), r.vapidKey(), "signed with the doorbell's own VAPID key");
            }
            assertEquals(1, chimes.get());

            alice.answer(ring.ringId());
            List<PushServiceStandIn.Received> ended = pushService.await("\"type\":\"ring-ended\"", 3, 10_000);
            assertEquals(3, ended.size());
            for (PushServiceStandIn.Received r : ended) {
                RingEnded e = (RingEnded) decode(r.plaintext());
                assertEquals(ring.ringId(), e.ringId());
                assertEquals(RingEnded.Outcome.ANSWERED, e.outcome());
                assertEquals("alice", e.by().orElseThrow());
                assertEquals("front-door", r.topic(), "the same Topic: it replaces a ring the service still holds");
            }
            for (int i = 0; i < 100 && pushStatus().delivered().intValue() < 6; i++) {
                Thread.sleep(20);
            }
            assertEquals(6L, pushStatus().delivered());
            assertEquals(0L, pushStatus().failed());
            assertTrue(pushService.refusals().isEmpty(), pushService.refusals().toString());
        }
    }

    @Test
    void tenPhonesOnOnePushServiceShareOneConnection() throws Exception {
        startAgent(Duration.ofSeconds(3));
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door");
                OwnerClient bob = new OwnerClient(broker.tcpUri(), "bob", "front-door");
                OwnerClient carol = new OwnerClient(broker.tcpUri(), "carol", "front-door")) {
            for (OwnerClient owner : List.of(alice, alice, alice, alice, bob, bob, bob, bob, carol, carol)) {
                subscribe(owner);
            }
            assertEquals(0, pushService.tlsConnections());
            ((SimulatedBoard) agent.board()).press();
            assertEquals(10, pushService.await("\"type\":\"ring\"", 10, 10_000).size(), pushService.refusals().toString());
            assertEquals(10, pushService.await("\"type\":\"ring-ended\"", 10, 10_000).size(), pushService.refusals().toString());
            // Ten requests at once to a service with no open connection would open ten (the JDK's client does).
            assertEquals(1, pushService.tlsConnections(), "the ring's and its end's twenty pushes on one HTTP/2 connection");
        }
    }

    @Test
    void aPushServiceWithoutX25519GetsItsPushesAllTheSame() throws Exception {
        // A guard for whoever trims the TLS key shares to X25519 for speed (see docs/performance.md).
        pushService.close();
        pushService = PushServiceStandIn.startWithGroups(state.resolve("push-service-p256"), "secp256r1");
        startAgent(Duration.ofSeconds(3));
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door")) {
            subscribe(alice);
            subscribe(alice);
            ((SimulatedBoard) agent.board()).press();
            assertEquals(2, pushService.await("\"type\":\"ring\"", 2, 10_000).size(), pushService.refusals().toString());
            assertEquals(2, pushService.await("\"type\":\"ring-ended\"", 2, 10_000).size(), pushService.refusals().toString());
        }
    }

    @Test
    void aGoneSubscriptionIsDroppedAndABusyServiceIsRetried() throws Exception {
        startAgent(Duration.ofSeconds(30));
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door")) {
            PushServiceStandIn.Subscription gone = subscribe(alice);
            PushServiceStandIn.Subscription limited = subscribe(alice);
            PushServiceStandIn.Subscription failing = subscribe(alice);
            pushService.script(gone, Answer.status(410));
            pushService.script(limited, new Answer(429, "1", 0));
            pushService.script(failing, Answer.status(503), Answer.status(502));
            long pressed = System.nanoTime();
            ((SimulatedBoard) agent.board()).press();
            List<PushServiceStandIn.Received> rings = pushService.await("\"type\":\"ring\"", 2, 15_000);
            assertEquals(List.of(limited.id(), failing.id()).stream().sorted().toList(),
                    rings.stream().map(PushServiceStandIn.Received::subscription).sorted().toList());
            PushServiceStandIn.Received afterRetryAfter = rings.stream().filter(r -> r.subscription().equals(limited.id())).findFirst().orElseThrow();
            assertTrue(afterRetryAfter.receivedNanos() - pressed >= TimeUnit.MILLISECONDS.toNanos(900),
                    "Retry-After: 1 was honoured");
            for (int i = 0; i < 200 && (pushStatus().subscriptions().intValue() != 2
                    || (pushStatus().last() == null || pushStatus().last().finished() != 3)); i++) {
                Thread.sleep(20);
            }
            assertEquals(2, pushStatus().subscriptions(), "the gone subscription is dropped");
            assertEquals(1L, pushStatus().dropped());
            assertTrue(pushStatus().retries().longValue() >= 3, pushStatus().toString());
        }
    }

    @Test
    void aDeadPushServiceNeverDelaysTheChimeOrTheMqttRing() throws Exception {
        startAgent(Duration.ofSeconds(30));
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door")) {
            PushServiceStandIn.Subscription stalled = subscribe(alice);
            pushService.script(stalled, new Answer(201, null, 8000));
            ((SimulatedBoard) agent.board()).press();
            Ring ring = alice.next(alice.rings, Ring.class);
            assertEquals(1, chimes.get());
            assertTrue(pushService.received().isEmpty(), "the MQTT ring arrived while the push service still stalls");
            List<PushServiceStandIn.Received> rings = pushService.await("\"type\":\"ring\"", 1, 15_000);
            assertEquals(1, rings.size(), "and the push gets through later");
            assertEquals(ring, decode(rings.getFirst().plaintext())); // (its picture's push may be answered first)
        }
    }

    @Test
    void aPushServiceWhoseClockDisagreesStillGetsAValidToken() throws Exception {
        // The doorbell's clock is 13 h behind (no real-time clock, NTP not answered yet): its 12 h
        // tokens look expired to the push service, whose Date header tells the doorbell so.
        startAgent(Duration.ofSeconds(30), java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofHours(-13)));
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door")) {
            subscribe(alice);
            ((SimulatedBoard) agent.board()).press();
            assertEquals(1, pushService.await("\"type\":\"ring\"", 1, 10_000).size(),
                    "delivered after one refusal: " + pushService.refusals());
            assertTrue(pushService.refusals().getFirst().contains("expired"), pushService.refusals().toString());
        }
    }

    @Test
    void subscriptionsTheDoorbellMustNotUseAreRefusedAndOnesWithdrawnAreGone() throws Exception {
        startAgent(Duration.ofSeconds(30));
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door")) {
            PushServiceStandIn.Subscription s = pushService.subscribe();
            for (String endpoint : List.of("https://192.168.1.1/push/x", "https://evil.example.org/push/x",
                    "https://" + pushService.host().replace("localhost", "127.0.0.1") + "/push/x")) {
                alice.send(new PushSubscribe("front-door", endpoint, s.p256dh(), s.auth(), Instant.now()));
                PushStatus status = alice.next(alice.fromDevice, PushStatus.class);
                assertEquals(PushStatus.State.REFUSED, status.state(), endpoint);
                assertEquals(PushStatus.Reason.ENDPOINT_NOT_ALLOWED, status.reason().orElseThrow(), endpoint);
            }
            // A key that has the right shape but is not a point on the curve.
            String offCurve = "B" + "A".repeat(86);
            alice.send(new PushSubscribe("front-door", s.endpoint(), offCurve, s.auth(), Instant.now()));
            assertEquals(PushStatus.Reason.BAD_KEY, alice.next(alice.fromDevice, PushStatus.class).reason().orElseThrow());
            assertEquals(0, pushStatus().subscriptions());

            PushServiceStandIn.Subscription kept = subscribe(alice);
            alice.send(new PushUnsubscribe("front-door", kept.endpoint(), Instant.now()));
            assertEquals(PushStatus.State.UNSUBSCRIBED, alice.next(alice.fromDevice, PushStatus.class).state());
            assertEquals(0, pushStatus().subscriptions());
            ((SimulatedBoard) agent.board()).press();
            alice.next(alice.rings, Ring.class);
            Thread.sleep(500);
            assertTrue(pushService.received().isEmpty(), "no push to a withdrawn subscription");
        }
    }
}
