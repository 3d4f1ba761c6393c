package org.openbell.signaling.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.openbell.signaling.Message;
import org.openbell.signaling.MessageCodec;
import org.openbell.signaling.ProtocolException;
import org.openbell.signaling.access.RegistryMessages;

/**
 * Fuzz targets for the strict decoders (docs/protocol.md, "Decoding rules"): any bytes either
 * decode to a message that encodes and decodes back to itself, or fail with the typed error;
 * nothing else (no other exception, no hang) and no error text with a raw line break.
 *
 * <p>In a plain test run (CI) Jazzer replays the seeds in {@code src/test/resources/.../Inputs}
 * and a short fuzzing burst runs when {@code JAZZER_FUZZ=1} (scripts/test sets it, with
 * {@code maxDuration} below). A long run: {@code JAZZER_FUZZ=1 mvn -pl mqtt-signaling test
 * -Dtest=MessageCodecFuzzTest -Djazzer.max_duration=30m}.
 */
class MessageCodecFuzzTest {

    private static final MessageCodec CODEC = new MessageCodec();

    @FuzzTest(maxDuration = "20s")
    void anyBytesDecodeOrFailCleanly(byte[] payload) throws ProtocolException {
        Message message;
        try {
            message = CODEC.decode(payload);
        } catch (ProtocolException e) {
            assertFalse(e.getMessage().contains("\n"), "a raw line break in: " + e.getMessage());
            return;
        }
        // Decoded: the same message must survive encoding (a ProtocolException here is a bug and fails the target).
        assertEquals(message, CODEC.decode(CODEC.encode(message)), "round trip");
    }

    @FuzzTest(maxDuration = "10s")
    void anyBytesAreARegistryMessageOrFailCleanly(byte[] payload) {
        try {
            RegistryMessages.decodeRequest(payload);
        } catch (IllegalArgumentException e) {
            assertFalse(e.getMessage() != null && e.getMessage().contains("\n"), "a raw line break in: " + e.getMessage());
        }
        try {
            RegistryMessages.decodeReply(payload);
        } catch (IllegalArgumentException e) {
            assertFalse(e.getMessage() != null && e.getMessage().contains("\n"), "a raw line break in: " + e.getMessage());
        }
    }
}
