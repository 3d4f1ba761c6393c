package org.openbell.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.openbell.signaling.access.RegistryMessages;

/** Issue 11, defect 6: client-controlled text cannot forge a log line. */
class LogSafeTest {

    @Test
    void controlAndInvisibleCharactersAreEscaped() {
        assertEquals("a\\nb\\r\\tc\\\\d", LogSafe.text("a\nb\r\tc\\d"));
        assertEquals("x\\u001b[31my\\u2028z\\u202e", LogSafe.text("x\u001b[31my\u2028z\u202e"));
        assertEquals("caf\u00e9 \ud83d\udd14", LogSafe.text("caf\u00e9 \ud83d\udd14"), "printable text, emoji included, stays");
        assertEquals("\\ud83d", LogSafe.text("\ud83d"), "a lone surrogate is escaped");
    }

    @Test
    void longTextIsCut() {
        String shown = LogSafe.text("x".repeat(10_000));
        assertTrue(shown.length() < 260, shown.length() + " characters");
        assertTrue(shown.endsWith("(10000 characters)"));
    }

    @Test
    void aRequestIdWithANewlineCannotForgeALine() {
        String hostile = "{\"v\":1,\"type\":\"remove-owner\",\"requestId\":\"r1\\n2026-12-01 INFO forged\",\"ownerId\":\"a\"}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RegistryMessages.decodeRequest(hostile.getBytes(StandardCharsets.UTF_8)));
        assertFalse(LogSafe.text(e.getMessage()).contains("\n"));
        assertFalse(e.getMessage().contains("\n"), "the error message itself carries no raw newline: " + e.getMessage());
    }

    @Test
    void aCodecErrorAboutHostileInputCarriesNoRawNewline() {
        String hostile = "{\"v\":1,\"type\":\"ring-answer\",\"deviceId\":\"front\\nFORGED\",\"ringId\":\"r\",\"at\":1}";
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> new MessageCodec().decode(hostile.getBytes(StandardCharsets.UTF_8)));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
