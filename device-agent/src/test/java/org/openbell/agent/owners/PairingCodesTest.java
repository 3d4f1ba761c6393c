package org.openbell.agent.owners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PairingCodesTest {

    private final MovingClock clock = new MovingClock();
    private final PairingCodes codes = new PairingCodes(clock, Duration.ofMinutes(10), 5);

    @Test
    void aCodeWorksOnceAndOnlyUntilItExpires() {
        PairingCodes.Issued code = codes.issue();
        assertEquals(PairingCodes.Outcome.ACCEPTED, codes.redeem(code.display().toLowerCase()), "typed in lower case, with dashes");
        assertEquals(PairingCodes.Outcome.USED, codes.redeem(code.code()), "the second time");

        PairingCodes.Issued late = codes.issue();
        clock.advance(Duration.ofMinutes(10));
        assertEquals(PairingCodes.Outcome.EXPIRED, codes.redeem(late.code()));
    }

    @Test
    void guessingIsCutOffAfterFiveFailuresAMinuteEvenForAGoodCode() {
        PairingCodes.Issued good = codes.issue();
        for (int i = 0; i < 5; i++) {
            assertEquals(PairingCodes.Outcome.UNKNOWN, codes.redeem("WRONG" + i));
        }
        assertEquals(PairingCodes.Outcome.RATE_LIMITED, codes.redeem(good.code()));
        assertEquals(PairingCodes.Outcome.RATE_LIMITED, codes.redeem("WRONG9"), "refused attempts are not even looked at");
        clock.advance(Duration.ofSeconds(61));
        assertEquals(PairingCodes.Outcome.ACCEPTED, codes.redeem(good.code()), "a minute later the good code works");
    }

    @Test
    void aCodeThatCouldNotBeUsedCanBeRestored() {
        PairingCodes.Issued code = codes.issue();
        assertEquals(PairingCodes.Outcome.ACCEPTED, codes.redeem(code.code()));
        codes.restore(code.code(), code.expiresAt());
        assertEquals(PairingCodes.Outcome.ACCEPTED, codes.redeem(code.code()));
    }

    @Test
    void codesAreTenCharactersWithoutLookAlikesAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String code = codes.issue().code();
            assertTrue(code.matches("[A-HJ-NP-Z2-9]{10}"), code);
            assertTrue(seen.add(code), "repeated " + code);
        }
        PairingCodes.Issued shown = codes.issue();
        assertEquals(shown.code(), shown.display().replace("-", ""));
        assertNotEquals(-1, shown.toString().indexOf("hidden"), "toString never shows a code (logs)");
    }

    @Test
    void onlyTheNewestCodesStayLive() {
        PairingCodes.Issued first = codes.issue();
        for (int i = 0; i < PairingCodes.MAX_LIVE; i++) {
            codes.issue();
        }
        assertEquals(PairingCodes.Outcome.UNKNOWN, codes.redeem(first.code()));
    }
}
