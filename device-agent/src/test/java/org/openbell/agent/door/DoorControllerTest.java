package org.openbell.agent.door;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.hardware.DoorStrike;
import org.openbell.signaling.DoorStatus;

/** Who may open the door and how often, and the log of openings that survives a restart. */
class DoorControllerTest {

    private final AtomicInteger pulses = new AtomicInteger();
    private final DoorStrike strike = new DoorStrike() {
        @Override
        public void open() {
            pulses.incrementAndGet();
        }

        @Override
        public boolean energised() {
            return false;
        }
    };

    @Test
    void aPairedOwnerOpensItOnceAPulseAndAnOwnerRemovedCannot(@TempDir Path dir) throws Exception {
        Set<String> paired = new java.util.concurrent.CopyOnWriteArraySet<>(Set.of("alice", "bob"));
        try (DoorController door = new DoorController(Optional.of(strike), Duration.ofMillis(500), paired::contains,
                dir.resolve("door.json"), Clock.systemUTC())) {
            assertEquals(Optional.empty(), door.open("alice", "app"));
            assertEquals(1, pulses.get());
            assertEquals(Optional.of(DoorStatus.Reason.TOO_SOON), door.open("bob", "app"), "not again within pulse + 2 s");
            paired.remove("bob");
            Thread.sleep(2600);
            assertEquals(Optional.of(DoorStatus.Reason.NOT_PAIRED), door.open("bob", "app"), "a removed owner");
            assertEquals(Optional.empty(), door.open("home-assistant", "home-assistant"), "Home Assistant's account is checked by the broker");
            assertEquals(2, pulses.get());
            door.flush();
        }
        try (DoorController again = new DoorController(Optional.of(strike), Duration.ofMillis(500), o -> true, dir.resolve("door.json"),
                Clock.systemUTC())) {
            var openings = again.openings();
            assertEquals(2, openings.size(), "every opening kept across a restart: " + openings);
            assertEquals("alice", openings.getFirst().by());
            assertEquals("app", openings.getFirst().via());
            assertEquals("home-assistant", openings.getLast().via());
        }
    }

    @Test
    void withoutAStrikeNothingOpens(@TempDir Path dir) {
        try (DoorController door = new DoorController(Optional.empty(), Duration.ofSeconds(3), o -> true, dir.resolve("door.json"),
                Clock.systemUTC())) {
            assertEquals(Optional.of(DoorStatus.Reason.NO_STRIKE), door.open("alice", "app"));
            assertEquals(0, door.openings().size());
        }
    }
}
