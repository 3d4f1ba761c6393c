package org.openbell.signaling.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MqttSettingsTest {

    @Test
    void thePasswordNeverAppearsInText() {
        MqttSettings s = MqttSettings.builder("tcp://127.0.0.1:1883", "c").username("door").password("hunter2").build();
        assertFalse(s.toString().contains("hunter2"), s.toString());
        assertTrue(s.toString().contains("door"));
    }

    @Test
    void badSettingsNameTheField() {
        assertMessage("serverUri", () -> MqttSettings.builder("http://x", "c").build());
        assertMessage("clientId", () -> MqttSettings.builder("tcp://h:1", "").build());
        assertMessage("backoffInitial", () -> MqttSettings.builder("tcp://h:1", "c").backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)).build());
        assertMessage("maxQueued", () -> MqttSettings.builder("tcp://h:1", "c").maxQueued(0).build());
    }

    @Test
    void outgoingMessagesAreImmutableAndValidated() {
        byte[] payload = {1, 2, 3};
        Outgoing m = Outgoing.qos1("a/b", payload).asRetained().expiringAt(Instant.EPOCH);
        payload[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, m.payload());
        m.payload()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, m.payload());
        assertTrue(m.retained());
        assertEquals(1, m.qos());
        assertMessage("wildcards", () -> Outgoing.qos1("a/#", payload));
        assertMessage("qos", () -> new Outgoing("a", payload, 3, false, java.util.Optional.empty()));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
