package org.openbell.signaling.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delaysDoubleWithinJitterBoundsUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), new Random(42));
        long[] caps = {100, 200, 400, 800, 1600, 2000, 2000, 2000};
        for (long cap : caps) {
            long ms = backoff.next().toMillis();
            assertTrue(ms >= cap / 2 && ms <= cap, ms + " not in [" + cap / 2 + ", " + cap + "]");
        }
        for (int i = 0; i < 100; i++) {
            assertTrue(backoff.next().toMillis() <= 2000, "never beyond the cap, even after many failures");
        }
    }

    @Test
    void resetStartsOver() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), new Random(1));
        for (int i = 0; i < 10; i++) {
            backoff.next();
        }
        backoff.reset();
        assertTrue(backoff.next().toMillis() <= 100);
    }

    @Test
    void jitterSpreadsDelays() {
        Backoff a = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), new Random(1));
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), new Random(2));
        long distinct = java.util.stream.IntStream.range(0, 20).mapToObj(i -> a.next()).distinct().count();
        assertTrue(distinct > 10, "jittered delays differ");
        assertTrue(!a.next().equals(b.next()) || !a.next().equals(b.next()));
        assertEquals(Duration.ofSeconds(1).compareTo(a.next()) >= 0, true);
    }
}
