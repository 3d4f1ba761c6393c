package org.openbell.agent.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.Closing;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.signaling.Presence;
import org.openbell.signaling.Ring;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * Issue 16: {@code mqtt.broker} as a list (a clustered broker's nodes). The doorbell is on the
 * first; it dies; a press right then rings an owner on the second node, the doorbell says online
 * there, and {@code /api/status} names the node it is on. (Two Mosquittos that share nothing stand
 * for two nodes: the cluster's own sharing is for the RabbitMQ tests.)
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BrokerFailoverTest {

    @TempDir
    Path state;

    @Test
    void whenItsNodeDiesThePressRingsThroughTheNextNode() throws Exception {
        MosquittoBroker one = MosquittoBroker.start();
        MosquittoBroker two = MosquittoBroker.start();
        Agent agent = null;
        try {
            agent = Agent.start(ConfigLoader.parse("""
                    device: {id: front-door, name: Front door}
                    hardware: {mode: simulated, button: {debounce: 5ms, lockout: 300ms}, chime: {duration: 200ms}}
                    mqtt: {broker: ["%s", "%s"], webSocketUrl: "%s", reconnectMin: 100ms, reconnectMax: 1s, keepAlive: 5s}
                    web: {bind: 127.0.0.1, port: 0}
                    stateDir: "%s"
                    """.formatted(one.tcpUri(), two.tcpUri(), one.webSocketUri(), state), "failover test"));
            Agent a = agent;
            try (OwnerClient alice = new OwnerClient(two.tcpUri(), "alice", "front-door")) {
                await(() -> a.status().mqttConnected(), "the doorbell connected");
                assertEquals(one.tcpUri(), agent.status().mqttBroker(), "on the first node");

                one.stop();
                ((SimulatedBoard) agent.board()).press(); // at once: the ring waits in the outbox for the next node
                Ring ring = alice.next(alice.rings, Ring.class);
                assertEquals(agent.ring().snapshot().ringId().orElseThrow(), ring.ringId());
                Presence online = alice.next(alice.presence, Presence.class);
                assertEquals(Presence.State.ONLINE, online.state(), "online on the node it moved to");
                assertEquals(two.tcpUri(), agent.status().mqttBroker(), "/api/status names the node");
                assertTrue(agent.status().mqttConnected());
            }
        } finally {
            Closing.all(agent, one, two);
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
