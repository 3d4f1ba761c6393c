package org.openbell.agent.door;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.openbell.hardware.DoorStrike;
import org.openbell.signaling.DoorStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the door: one pulse of the door strike's relay for a paired owner (the app, with a
 * confirmation) or Home Assistant, at most one opening per pulse + 2 s and
 * {@link #MAX_PER_HOUR} an hour; every opening logged with who, how and when, and kept (the
 * latest {@link #KEPT}) in {@code stateDir/door-openings.json}, written atomically off the caller's
 * thread. Without a strike wired, every request is refused ({@code no-strike}).
 */
public final class DoorController implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DoorController.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_PER_HOUR = 30;
    static final int KEPT = 200;

    /** One opening: when, by whom, how ({@code app} or {@code home-assistant}). */
    public record Opening(Instant at, String by, String via) {
    }

    private final Optional<DoorStrike> strike;
    private final Duration spacing;
    private final Predicate<String> paired;
    private final Path file;
    private final Clock clock;
    private final org.openbell.agent.state.StateFileWriter writer;
    /** Newest last. Guarded by this. */
    private final Deque<Opening> openings = new ArrayDeque<>();
    private final Deque<Long> lastHourNanos = new ArrayDeque<>();
    private long lastOpenedNanos = Long.MIN_VALUE / 2;

    /**
     * @param paired whether an owner id is a paired owner now (an open broker: any)
     * @param pulse  the strike's pulse (openings come at most every pulse + 2 s)
     */
    public DoorController(Optional<DoorStrike> strike, Duration pulse, Predicate<String> paired, Path file, Clock clock) {
        this.strike = strike;
        this.spacing = pulse.plusSeconds(2);
        this.paired = paired;
        this.file = file;
        this.clock = clock;
        this.writer = new org.openbell.agent.state.StateFileWriter(file, "The door openings", "openbell-door-log");
        load();
    }

    /** Whether a door strike is wired. */
    public boolean configured() {
        return strike.isPresent();
    }

    /** Opens the door for {@code by} (an owner id, or Home Assistant's name) via {@code via}; empty when opened, else why not. */
    public synchronized Optional<DoorStatus.Reason> open(String by, String via) {
        if (strike.isEmpty()) {
            log.info("Door: {} ({}) asked to open it; no door strike is wired", by, via);
            return Optional.of(DoorStatus.Reason.NO_STRIKE);
        }
        if (via.equals("app") && !paired.test(by)) {
            log.warn("Door: refused to {}: not a paired owner", by);
            return Optional.of(DoorStatus.Reason.NOT_PAIRED);
        }
        long now = System.nanoTime();
        while (!lastHourNanos.isEmpty() && now - lastHourNanos.peekFirst() > Duration.ofHours(1).toNanos()) {
            lastHourNanos.pollFirst();
        }
        if (now - lastOpenedNanos < spacing.toNanos() || lastHourNanos.size() >= MAX_PER_HOUR) {
            log.info("Door: refused to {} ({}): opened {} ms ago, {} times this hour", by, via,
                    (now - lastOpenedNanos) / 1_000_000, lastHourNanos.size());
            return Optional.of(DoorStatus.Reason.TOO_SOON);
        }
        lastOpenedNanos = now;
        lastHourNanos.addLast(now);
        strike.get().open();
        Opening opening = new Opening(clock.instant(), by, via);
        openings.addLast(opening);
        while (openings.size() > KEPT) {
            openings.pollFirst();
        }
        log.info("Door opened by {} ({}) at {}", by, via, opening.at());
        save(List.copyOf(openings));
        return Optional.empty();
    }

    /** The openings kept, newest last. */
    public synchronized List<Opening> openings() {
        return List.copyOf(openings);
    }

    private void load() {
        try {
            JsonNode root = JSON.readTree(Files.readAllBytes(file));
            for (JsonNode o : root.path("openings")) {
                openings.addLast(new Opening(Instant.ofEpochMilli(o.path("at").asLong()), o.path("by").asText(), o.path("via").asText()));
            }
        } catch (NoSuchFileException e) {
            // none yet
        } catch (IOException | RuntimeException e) {
            log.warn("Door: the openings log {} is unreadable ({}); starting a new one", file, e.toString());
        }
    }

    private void save(List<Opening> all) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("openings");
        for (Opening o : all) {
            list.addObject().put("at", o.at().toEpochMilli()).put("by", o.by()).put("via", o.via());
        }
        writer.write(root.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Waits for the writes asked for (tests, closing). */
    public void flush() {
        writer.flush();
    }

    @Override
    public void close() {
        flush();
        writer.close();
    }
}
