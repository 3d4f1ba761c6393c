package org.openbell.agent.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.agent.ring.RingState;
import org.openbell.signaling.Ring;
import org.openbell.signaling.RingEnded;
import org.openbell.signaling.Topics;
import org.openbell.signaling.access.BrokerAccess;
import org.openbell.brokertools.BrokerConfigTool;
import org.openbell.signaling.testing.MosquittoBroker;
import org.slf4j.LoggerFactory;

/**
 * The agent as doorbell {@code front-door} on a broker configured by scripts/broker-config (its
 * own account, the access list, no anonymous clients): it rings its paired owner, who declines
 * through their own command topic, and no secret (its broker password, the owner's, a wrong
 * password, the TURN shared secret) appears in any log line or in what the page is given.
 */
class AgentUnderAccessControlTest {

    private static final String TURN_SECRET = "turn-shared-secret-0123456789";

    @TempDir
    Path dir;
    private MosquittoBroker broker;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void start() throws Exception {
        BrokerConfigTool.write(dir.resolve("broker"), BrokerAccess.of(Topics.defaults()).withDoorbell("front-door")
                .withOwner("alice", List.of("front-door")), null, null, 1883, 8884);
        broker = MosquittoBroker.startWithAccessControl(dir.resolve("broker/passwd"), dir.resolve("broker/acl"));
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void stop() {
        root.detachAppender(logs);
        broker.close();
    }

    @Test
    void ringsThePairedOwnerWhoAnswersOnlyAsThemselvesAndNoSecretIsLogged() throws Exception {
        String devicePassword = credential("doorbell.front-door");
        String alicePassword = credential("owner.alice");
        try (Agent agent = Agent.start(config(devicePassword));
                OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door", "owner.alice", alicePassword)) {
            awaitConnected(agent);
            ((org.openbell.hardware.SimulatedBoard) agent.board()).press();
            Ring ring = alice.next(alice.rings, Ring.class);
            alice.decline(ring.ringId());
            RingEnded ended = alice.next(alice.rings, RingEnded.class);
            assertEquals(Optional.of("alice"), ended.by(), "the doorbell knows who declined from the topic");
            long idleBy = System.nanoTime() + 5_000_000_000L; // ring-ended goes out just before the state returns to idle
            while (agent.ring().snapshot().state() != RingState.IDLE && System.nanoTime() < idleBy) {
                Thread.sleep(10);
            }
            assertEquals(RingState.IDLE, agent.ring().snapshot().state());
            assertEquals(Optional.of("alice"), agent.ring().snapshot().lastEnded().flatMap(RingEnded::by));
            String page = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(agent.pageConfig()); // as /api/config sends it
            assertFalse(page.contains(TURN_SECRET), "the page never gets the TURN secret: " + page);
            assertTrue(page.contains(":front-door"), "the page gets issued TURN credentials: " + page);
        }
        // The same doorbell with a wrong password: refused, and the reason is logged without it.
        try (Agent agent = Agent.start(config("wrong-password-for-the-log-test"))) {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (agent.signaling().lastConnectFailure().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(agent.signaling().lastConnectFailure().isPresent(), "the wrong password was refused");
            String status = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(agent.status());
            assertFalse(status.contains("wrong-password-for-the-log-test"), status);
        }
        // The lines most likely to leak were captured: the connection, and the refused one with its reason.
        assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("MQTT connected")), "captured the connect line");
        assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("failed")), "captured the refusal line");
        for (ILoggingEvent event : logs.list) {
            String line = event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                    : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            for (String secret : List.of(devicePassword, alicePassword, TURN_SECRET, "wrong-password-for-the-log-test")) {
                assertFalse(line.contains(secret), "a secret in the log: " + line);
            }
        }
    }

    private org.openbell.agent.config.AgentConfig config(String password) {
        return ConfigLoader.parse("""
                device: {id: front-door, name: Front door}
                hardware: {mode: simulated, button: {debounce: 5ms, lockout: 300ms}, chime: {duration: 100ms}}
                mqtt: {broker: "%s", webSocketUrl: "%s", username: doorbell.front-door, password: "%s", reconnectMin: 100ms, reconnectMax: 1s}
                web: {bind: 127.0.0.1, port: 0}
                media: {iceServers: [{urls: ["turn:turn.example.org:3478"], secret: "%s"}]}
                stateDir: "%s"
                """.formatted(broker.tcpUri(), broker.webSocketUri(), password, TURN_SECRET, dir.resolve("state")), "test config");
    }

    private String credential(String account) throws Exception {
        return Files.readString(dir.resolve("broker/credentials").resolve(account)).trim();
    }

    private static void awaitConnected(Agent agent) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!agent.signaling().isConnected()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the agent did not connect: " + agent.signaling().lastConnectFailure());
            }
            Thread.sleep(20);
        }
    }
}
