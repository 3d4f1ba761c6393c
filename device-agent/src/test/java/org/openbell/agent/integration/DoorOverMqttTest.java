package org.openbell.agent.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.Closing;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.signaling.DoorOpen;
import org.openbell.signaling.DoorStatus;
import org.openbell.signaling.testing.MosquittoBroker;

/** Issue 15, the door strike end to end on a real Mosquitto: an owner's door-open pulses the (mock GPIO) relay once, answered, and is in the visit history. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class DoorOverMqttTest {

    @TempDir
    Path state;

    @Test
    void anOwnersDoorOpenPulsesTheStrikeOnceAndIsAnswered() throws Exception {
        MosquittoBroker broker = MosquittoBroker.start();
        Agent agent = null;
        try {
            agent = Agent.start(ConfigLoader.parse("""
                    device: {id: front-door, name: Front door}
                    hardware: {mode: simulated, button: {debounce: 5ms, lockout: 300ms}, chime: {duration: 200ms},
                               strike: {pin: 23, pulse: 800ms}}
                    mqtt: {broker: "%s", webSocketUrl: "%s", reconnectMin: 100ms, reconnectMax: 1s, keepAlive: 5s}
                    web: {bind: 127.0.0.1, port: 0}
                    stateDir: "%s"
                    """.formatted(broker.tcpUri(), broker.webSocketUri(), state), "door test"));
            try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door")) {
                var strike = agent.board().doorStrike().orElseThrow();
                assertFalse(strike.energised(), "off at start");
                alice.sendRaw(alice.codec.encode(new DoorOpen("front-door", "d1", Instant.now())));
                DoorStatus opened = alice.next(alice.fromDevice, DoorStatus.class);
                assertEquals("d1", opened.requestId());
                assertEquals(DoorStatus.State.OPENED, opened.state());
                assertTrue(strike.energised(), "the relay is on");
                alice.sendRaw(alice.codec.encode(new DoorOpen("front-door", "d2", Instant.now())));
                DoorStatus again = alice.next(alice.fromDevice, DoorStatus.class);
                assertEquals(DoorStatus.State.REFUSED, again.state());
                assertEquals(Optional.of(DoorStatus.Reason.TOO_SOON), again.reason());
                for (int i = 0; i < 40 && strike.energised(); i++) {
                    Thread.sleep(50);
                }
                assertFalse(strike.energised(), "off after its pulse");
                var status = agent.status().door();
                assertTrue(status.configured());
                assertEquals(1, status.openings());
                assertEquals("alice", status.last().by());
                // In the visit history (protocol 1.4): the openings come right after the history, for the same request.
                alice.send(new org.openbell.signaling.HistoryRequest("front-door", "h1", Instant.now()));
                var history = alice.next(alice.fromDevice, org.openbell.signaling.History.class);
                var openings = alice.next(alice.fromDevice, org.openbell.signaling.DoorOpenings.class);
                assertEquals("h1", history.requestId());
                assertEquals("h1", openings.requestId());
                assertEquals(1, openings.openings().size());
                assertEquals("alice", openings.openings().getFirst().by());
                assertEquals(org.openbell.signaling.DoorOpenings.Via.APP, openings.openings().getFirst().via());
            }
        } finally {
            Closing.all(agent, broker);
        }
    }
}
