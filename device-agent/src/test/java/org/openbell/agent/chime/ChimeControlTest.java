package org.openbell.agent.chime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.config.AgentConfig;

/** The chime switch (kept across restarts) and quiet hours (across midnight). */
class ChimeControlTest {

    private static Clock at(String time) {
        ZoneId zone = ZoneId.of("Europe/Berlin");
        return Clock.fixed(java.time.LocalDate.of(2026, 12, 1).atTime(LocalTime.parse(time)).atZone(zone).toInstant(), zone);
    }

    @Test
    void switchedSilentItStaysQuietAndStaysSoAfterARestart(@TempDir Path dir) {
        AtomicInteger rung = new AtomicInteger();
        ChimeControl chime = new ChimeControl(rung::incrementAndGet, dir.resolve("chime-silent"), Optional.empty(), Clock.systemUTC());
        chime.ring();
        assertEquals(1, rung.get());
        AtomicInteger told = new AtomicInteger();
        chime.onChange(silent -> told.incrementAndGet());
        chime.setSilent(true);
        chime.setSilent(true);
        assertEquals(1, told.get(), "told once per change");
        chime.ring();
        assertEquals(1, rung.get(), "silent");
        ChimeControl again = new ChimeControl(rung::incrementAndGet, dir.resolve("chime-silent"), Optional.empty(), Clock.systemUTC());
        assertTrue(again.silent(), "kept across a restart");
        again.setSilent(false);
        again.ring();
        assertEquals(2, rung.get());
    }

    @Test
    void quietHoursAcrossMidnightOnTheLocalClock(@TempDir Path dir) {
        var night = Optional.of(new AgentConfig.QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 0)));
        for (String time : new String[] {"22:00", "23:59", "00:30", "06:59"}) {
            assertTrue(new ChimeControl(() -> { }, dir.resolve("c"), night, at(time)).quietNow(), time);
        }
        for (String time : new String[] {"07:00", "12:00", "21:59"}) {
            assertFalse(new ChimeControl(() -> { }, dir.resolve("c"), night, at(time)).quietNow(), time);
        }
        AtomicInteger rung = new AtomicInteger();
        new ChimeControl(rung::incrementAndGet, dir.resolve("c"), night, at("23:00")).ring();
        assertEquals(0, rung.get(), "quiet at night");
        var day = Optional.of(new AgentConfig.QuietHours(LocalTime.of(13, 0), LocalTime.of(15, 0)));
        assertTrue(new ChimeControl(() -> { }, dir.resolve("c"), day, at("14:00")).quietNow());
        assertFalse(new ChimeControl(() -> { }, dir.resolve("c"), day, at("15:00")).quietNow());
    }
}
