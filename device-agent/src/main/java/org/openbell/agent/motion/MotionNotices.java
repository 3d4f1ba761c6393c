package org.openbell.agent.motion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.openbell.signaling.Message;
import org.openbell.signaling.Motion;
import org.openbell.signaling.MotionAlerts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the owners when the motion sensor sees someone (revision 1.4, "Motion"): a {@code motion}
 * message to every owner's app (shown quietly, never a ring), and a push to the locked phones of
 * the owners who asked ({@code motion-alerts}, kept per owner in {@code stateDir/motion-alerts.json}).
 * At most one notice per {@link #SPACING}: a visitor walking about is one notice, not one per
 * trigger of the sensor.
 */
public final class MotionNotices implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MotionNotices.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final Duration SPACING = Duration.ofSeconds(30);

    private final String deviceId;
    private final Path file;
    private final Clock clock;
    private final Consumer<Motion> toOwners;
    private final BiConsumer<Motion, Set<String>> push;
    private final org.openbell.agent.state.StateFileWriter writer;
    private final Set<String> alerted = new TreeSet<>(); // guarded by this
    private long lastNoticeNanos = Long.MIN_VALUE / 2; // guarded by this

    /**
     * @param toOwners publishes a motion to every owner (the motion topic)
     * @param push     pushes a motion to the locked phones of these owners (nothing when push is off)
     */
    public MotionNotices(String deviceId, Path file, Clock clock, Consumer<Motion> toOwners, BiConsumer<Motion, Set<String>> push) {
        this.deviceId = deviceId;
        this.file = file;
        this.clock = clock;
        this.toOwners = toOwners;
        this.push = push;
        this.writer = new org.openbell.agent.state.StateFileWriter(file, "Who asked for motion notices", "openbell-motion-alerts");
        load();
    }

    /** The sensor saw someone: a notice, unless one went out less than {@link #SPACING} ago. */
    public void motionStarted() {
        Set<String> pushTo;
        synchronized (this) {
            long now = System.nanoTime();
            if (now - lastNoticeNanos < SPACING.toNanos()) {
                return;
            }
            lastNoticeNanos = now;
            pushTo = Set.copyOf(alerted);
        }
        Motion motion = new Motion(deviceId, clock.instant());
        toOwners.accept(motion);
        if (!pushTo.isEmpty()) {
            push.accept(motion, pushTo);
        }
    }

    /** An owner's {@code motion-alerts}: on or off, kept. */
    public void ownerMessage(String ownerId, Message message) {
        if (!(message instanceof MotionAlerts alerts)) {
            log.warn("Ignored {} from owner {}: owners send motion-alerts", message.type().wireName(), ownerId);
            return;
        }
        boolean changed;
        synchronized (this) {
            changed = alerts.enabled() ? alerted.add(ownerId) : alerted.remove(ownerId);
        }
        if (changed) {
            log.info("Motion: {} {} quiet notifications", ownerId, alerts.enabled() ? "asked for" : "stopped");
            save();
        }
    }

    /** A removed owner gets no more notices. */
    public void forgetOwner(String ownerId) {
        boolean changed;
        synchronized (this) {
            changed = alerted.remove(ownerId);
        }
        if (changed) {
            save();
        }
    }

    /** The owners who asked for quiet notifications. */
    public synchronized Set<String> alerted() {
        return Set.copyOf(alerted);
    }

    private void load() {
        try {
            JsonNode root = JSON.readTree(Files.readAllBytes(file));
            root.path("owners").forEach(o -> {
                if (org.openbell.signaling.Ids.isValid(o.asText())) {
                    alerted.add(o.asText());
                }
            });
        } catch (NoSuchFileException e) {
            // nobody asked yet
        } catch (IOException | RuntimeException e) {
            log.warn("Motion: {} is unreadable ({}); nobody gets quiet notifications until they ask again", file, e.toString());
        }
    }

    private void save() {
        var root = JSON.createObjectNode();
        var owners = root.putArray("owners");
        alerted().stream().sorted().forEach(owners::add);
        writer.write(root.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        writer.close();
    }
}
