package org.openbell.agent.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.bench.AgentProcess;
import org.openbell.signaling.Ring;
import org.openbell.signaling.RingEnded;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * Issue 11, defect 7: after a SIGKILL mid-ring the interrupted ring never got a ring-ended (phones
 * rang on until their own timeout) and an answer to it after the restart got no reply.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AgentKillTest {

    @TempDir
    Path dir;
    MosquittoBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aRingInterruptedByAKillIsEndedAfterTheRestartAndALateAnswerIsAnswered() throws Exception {
        broker = MosquittoBroker.start();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("agent.yml"), """
                device: {id: front-door, name: Front door}
                hardware: {mode: simulated, button: {debounce: 5ms, lockout: 100ms}}
                ring: {timeout: 5m}
                mqtt: {broker: "%s", webSocketUrl: "%s", reconnectMin: 100ms, reconnectMax: 1s}
                web: {bind: 127.0.0.1, port: %d}
                stateDir: "%s"
                """.formatted(broker.tcpUri(), broker.webSocketUri(), port, dir.resolve("state")));
        String base = "https://127.0.0.1:" + port;
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door")) {
            String ringId;
            try (AgentProcess first = new AgentProcess(config, base, dir.resolve("first.log"))) {
                first.press();
                ringId = alice.next(alice.rings, Ring.class).ringId();
                Thread.sleep(500); // the journal is written off the ring thread
                ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly(); // SIGKILL: no goodbye
                assertTrue(ProcessHandle.of(first.pid()).map(p -> p.onExit().join()).isPresent());
            }
            try (AgentProcess second = new AgentProcess(config, base, dir.resolve("second.log"))) {
                RingEnded ended = alice.next(alice.rings, RingEnded.class);
                assertEquals(ringId, ended.ringId(), "the interrupted ring is over for everyone");
                assertEquals(RingEnded.Outcome.TIMED_OUT, ended.outcome());
                Thread.sleep(2500);
                alice.answer(ringId); // a phone that missed it answers late
                RingEnded again = alice.next(alice.rings, RingEnded.class);
                assertEquals(ringId, again.ringId(), "the late answer is told how the ring ended");
                assertEquals("IDLE", second.status().path("state").asText());
            }
        }
    }

    /**
     * A frozen agent (SIGSTOP: a stalled SD card, a debugger): the broker sees its keep-alive lapse
     * and publishes the Last Will, owners see the doorbell offline; once it runs again (SIGCONT) it
     * finds its connection gone, reconnects, says it is online, and the next press rings once.
     */
    @Test
    void aFrozenAgentIsSeenOfflineAndRingsAgainOnceItRuns() throws Exception {
        broker = MosquittoBroker.start();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("frozen.yml"), """
                device: {id: front-door, name: Front door}
                hardware: {mode: simulated, button: {debounce: 5ms, lockout: 100ms}}
                mqtt: {broker: "%s", webSocketUrl: "%s", keepAlive: 4s, reconnectMin: 100ms, reconnectMax: 1s}
                web: {bind: 127.0.0.1, port: %d}
                stateDir: "%s"
                """.formatted(broker.tcpUri(), broker.webSocketUri(), port, dir.resolve("state-frozen")));
        String base = "https://127.0.0.1:" + port;
        try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door");
                AgentProcess agent = new AgentProcess(config, base, dir.resolve("frozen.log"))) {
            assertEquals(org.openbell.signaling.Presence.State.ONLINE, alice.next(alice.presence, org.openbell.signaling.Presence.class).state());
            signal("STOP", agent.pid());
            try {
                assertEquals(org.openbell.signaling.Presence.State.OFFLINE,
                        alice.next(alice.presence, org.openbell.signaling.Presence.class).state(), "the Last Will, published by the broker");
            } finally {
                signal("CONT", agent.pid());
            }
            assertEquals(org.openbell.signaling.Presence.State.ONLINE,
                    alice.next(alice.presence, org.openbell.signaling.Presence.class).state(), "online again after the thaw");
            for (int i = 0; i < 200 && !agent.status().path("mqttConnected").asBoolean(); i++) {
                Thread.sleep(50);
            }
            assertTrue(agent.status().path("mqttConnected").asBoolean());
            alice.rings.clear();
            agent.press();
            Ring ring = alice.next(alice.rings, Ring.class);
            Thread.sleep(1500);
            assertTrue(alice.rings.stream().noneMatch(m -> m instanceof Ring r && r.ringId().equals(ring.ringId())),
                    "the ring arrived once");
        }
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
        assertEquals(0, kill.waitFor());
    }
}
