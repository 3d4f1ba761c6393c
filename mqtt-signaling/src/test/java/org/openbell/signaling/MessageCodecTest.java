package org.openbell.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    private final MessageCodec codec = new MessageCodec();
    private static final Instant AT = Instant.parse("2026-11-24T18:00:00.123Z");

    private ErrorCode reject(String json) {
        return assertThrows(ProtocolException.class, () -> codec.decode(json.getBytes(StandardCharsets.UTF_8))).code();
    }

    @Test
    void encodingPutsVersionAndTypeFirst() {
        String json = new String(codec.encode(new RingAnswer("front-door", "r1", AT)), StandardCharsets.UTF_8);
        assertEquals("{\"v\":1,\"type\":\"ring-answer\",\"deviceId\":\"front-door\",\"ringId\":\"r1\",\"at\":1795543200123}", json);
    }

    @Test
    void everyTypeRoundTrips() throws Exception {
        for (Message m : new Message[] {
            new Presence("d", Presence.State.ONLINE, AT),
            new Ring("d", "r", AT, AT.plusSeconds(30), 2),
            new RingEnded("d", "r", AT, RingEnded.Outcome.ANSWERED, Optional.of("alice")),
            new RingEnded("d", "r", AT, RingEnded.Outcome.TIMED_OUT, Optional.empty()),
            new RingAnswer("d", "r", AT),
            new RingDecline("d", "r", AT),
            new Offer("d", "s", "r", "v=0\r\ns=-\r\n", AT),
            new Answer("d", "s", "v=0\r\n", AT),
            new Candidate("d", "s", "candidate:1 1 udp 2122194687 10.77.1.1 40000 typ host", "0", 0, AT),
            new Hangup("d", "s", Hangup.Reason.MEDIA_FAILED, AT),
            new CallState("d", "s", CallState.State.CONNECTED, AT)}) {
            assertEquals(m, codec.decode(codec.encode(m)));
        }
    }

    @Test
    void duplicateKeysAreMalformed() {
        assertEquals(ErrorCode.MALFORMED, reject("{\"v\":1,\"type\":\"ring-answer\",\"deviceId\":\"a\",\"deviceId\":\"b\",\"ringId\":\"r\",\"at\":1}"));
    }

    @Test
    void trailingGarbageIsMalformed() {
        assertEquals(ErrorCode.MALFORMED, reject("{\"v\":1,\"type\":\"ring-answer\",\"deviceId\":\"a\",\"ringId\":\"r\",\"at\":1} {}"));
    }

    @Test
    void invalidUtf8IsMalformed() {
        byte[] bad = "{\"v\":1,\"type\":\"ring-answer\",\"deviceId\":\"X\",\"ringId\":\"r\",\"at\":1}".getBytes(StandardCharsets.UTF_8);
        bad[37] = (byte) 0xC3; // a lone lead byte inside the device id
        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode(bad));
        assertEquals(ErrorCode.MALFORMED, e.code());
    }

    @Test
    void deepNestingIsRejectedNotACrash() {
        String deep = "{\"v\":1,\"type\":\"ring-answer\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertEquals(ErrorCode.MALFORMED, reject(deep));
    }

    @Test
    void hugeNumbersAreRejected() {
        assertEquals(ErrorCode.INVALID_FIELD, reject("{\"v\":1,\"type\":\"ring-answer\",\"deviceId\":\"a\",\"ringId\":\"r\",\"at\":1e400}"));
        assertEquals(ErrorCode.MALFORMED, reject("{\"v\":1,\"type\":\"ring-answer\",\"deviceId\":\"a\",\"ringId\":\"r\",\"at\":"
                + "9".repeat(100) + "}"));
    }

    @Test
    void theExceptionCarriesAnEscapedAbbreviatedPreview() {
        String payload = "{\"v\":1,\"type\":\"ring-answer\",\"note\":\"\\u0007" + "y".repeat(1000) + "\"}";
        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode(payload.getBytes(StandardCharsets.UTF_8)));
        assertEquals(ErrorCode.UNKNOWN_FIELD, e.code());
        assertTrue(e.getMessage().length() < 400, e.getMessage());
        assertTrue(e.getMessage().contains("'note'"), e.getMessage());
        assertTrue(e.getMessage().endsWith("...)"), e.getMessage());
    }

    @Test
    void nullPayloadIsMalformed() {
        assertEquals(ErrorCode.MALFORMED, assertThrows(ProtocolException.class, () -> codec.decode(null)).code());
    }

    @Test
    void recordsValidateThemselves() {
        assertThrows(IllegalArgumentException.class, () -> new RingAnswer("a/b", "r", AT));
        assertThrows(IllegalArgumentException.class, () -> new Ring("d", "r", AT, AT.minusSeconds(1), 1));
        assertThrows(IllegalArgumentException.class, () -> new Ring("d", "r", AT, AT, 0));
        assertThrows(IllegalArgumentException.class, () -> new RingEnded("d", "r", AT, RingEnded.Outcome.DECLINED, Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new RingEnded("d", "r", AT, RingEnded.Outcome.TIMED_OUT, Optional.of("x")));
        assertThrows(NullPointerException.class, () -> new Presence("d", null, AT));
        assertEquals(Instant.parse("2026-11-24T18:00:00.123Z"), new RingAnswer("d", "r", AT.plusNanos(999)).at(), "millisecond precision");
    }

    @Test
    void callRecordsRefuseInjection() {
        assertThrows(IllegalArgumentException.class, () -> new Candidate("d", "s", "candidate:1\r\na=x", "0", 0, AT));
        assertThrows(IllegalArgumentException.class, () -> new Candidate("d", "s", "candidate:1", "a b", 0, AT));
        assertThrows(IllegalArgumentException.class, () -> new Offer("d", "s", "r", "not sdp", AT));
        assertThrows(IllegalArgumentException.class, () -> new Answer("d", "s", "v=0" + "x".repeat(Sdp.MAX_CHARS), AT));
    }

    @Test
    void ringIdsAreValidAndDistinct() {
        String a = Ids.newRingId();
        assertTrue(Ids.isValid(a), a);
        assertTrue(a.length() >= 17, a);
        assertNotEquals(a, Ids.newRingId());
        assertTrue(Ids.isValid("a".repeat(64)));
        assertTrue(!Ids.isValid("a".repeat(65)));
        assertTrue(!Ids.isValid("with space"));
        assertTrue(!Ids.isValid("+"));
        assertTrue(!Ids.isValid(null));
    }
}
