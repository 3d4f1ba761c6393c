package org.openbell.agent.pictures;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.openbell.agent.ring.RingListener;
import org.openbell.agent.ring.RingSnapshot;
import org.openbell.agent.ring.RingState;
import org.openbell.media.channel.JpegImage;
import org.openbell.media.channel.WorkerEvent;
import org.openbell.signaling.Ids;
import org.openbell.signaling.Message;
import org.openbell.signaling.Snapshot;
import org.openbell.signaling.SnapshotRequest;
import org.openbell.signaling.access.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pictures of who rang (docs/protocol.md "Pictures"): the media worker's picture of a ring goes to
 * every owner ({@code snapshot} on the doorbell's snapshots topic, for as long as the ring rings,
 * else 30 s), its thumbnail to every locked phone (a push, while the ring rings), and into the state
 * folder ({@code pictures/{ringId}.jpg} and {@code .json}, each written atomically), kept exactly
 * as long as the ring's visit is in the history: a visit deleted or aged out takes its picture
 * with it. Owners ask for a visit's picture with {@code snapshot-request}; replies are paced (at
 * most 5 per second in all, 12 waiting per owner, 100 owners waiting) so they never crowd rings out
 * of the MQTT outbox.
 */
public final class RingPictures implements RingListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RingPictures.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration AFTER_RING_EXPIRY = Duration.ofSeconds(30);
    static final long REPLY_EVERY_MS = 200;
    static final int MAX_WAITING_PER_OWNER = 12;
    static final int MAX_OWNERS_WAITING = 100;

    /** What the doorbell did with the latest ring's picture, for {@code /api/status}. */
    public record Last(String ringId, long ringToPictureMs, long cameraMs, long encodeMs, int width, int height, int bytes,
            Integer thumbnailBytes) {
    }

    private final Path dir;
    private final String deviceId;
    private final Clock clock;
    private final Duration ringTimeout;
    private final BiConsumer<Snapshot, Instant> toOwners;
    private final BiConsumer<String, Message> toOwner;
    private final BiConsumer<Snapshot, Instant> push;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("openbell-pictures").factory());
    private final ScheduledExecutorService replies = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("openbell-picture-replies").factory());

    // Guarded by this.
    private String ringing;
    private long ringingSinceNanos;
    private Instant ringingUntil;
    /** The rings whose visits the history keeps (pictures of others are deleted). */
    private Set<String> kept = Set.of();
    private final Map<String, Deque<SnapshotRequest>> waiting = new LinkedHashMap<>();
    private long refused;
    private volatile Last last;
    private final java.util.List<java.util.function.Consumer<Snapshot>> onSent = new java.util.concurrent.CopyOnWriteArrayList<>();

    public RingPictures(Path dir, String deviceId, Clock clock, Duration ringTimeout, BiConsumer<Snapshot, Instant> toOwners,
            BiConsumer<String, Message> toOwner, BiConsumer<Snapshot, Instant> push) {
        this.dir = dir;
        this.deviceId = deviceId;
        this.clock = clock;
        this.ringTimeout = ringTimeout;
        this.toOwners = toOwners;
        this.toOwner = toOwner;
        this.push = push;
        replies.scheduleWithFixedDelay(this::replyOne, REPLY_EVERY_MS, REPLY_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    /** Rings start and end (on the ring thread): a picture is kept for the ring that rings, or one the history keeps. */
    @Override
    public synchronized void onTransition(RingState from, RingState to, RingSnapshot snapshot) {
        if (to == RingState.RINGING && from == RingState.IDLE) {
            ringing = snapshot.ringId().orElse(null);
            ringingSinceNanos = System.nanoTime();
            ringingUntil = snapshot.ringStartedAt().orElse(clock.instant()).plus(ringTimeout);
        } else if (to != RingState.RINGING) {
            ringing = null;
        }
    }

    /** The rings whose visits the history now keeps: pictures of any other ring (but the one ringing) are deleted. */
    public synchronized void keepOnly(Set<String> ringIds) {
        kept = Set.copyOf(ringIds);
        Set<String> keep = new HashSet<>(kept);
        if (ringing != null) {
            keep.add(ringing);
        }
        writer.execute(() -> deleteAllBut(keep));
    }

    /** A worker took ring {@code ringId}'s picture (any thread). */
    public void taken(WorkerEvent.SnapshotTaken taken) {
        String ringId = taken.ringId();
        boolean live;
        Instant expiresAt;
        long ringToPictureMs;
        synchronized (this) {
            live = ringId.equals(ringing);
            if (!live && !kept.contains(ringId)) {
                log.info("Ring {}: its picture came after its visit was gone; dropped", ringId);
                return;
            }
            Instant now = clock.instant();
            expiresAt = live && ringingUntil.isAfter(now) ? ringingUntil : now.plus(AFTER_RING_EXPIRY);
            ringToPictureMs = live ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ringingSinceNanos) : -1;
        }
        if (!Ids.isValid(ringId) || taken.picture().size() > Snapshot.MAX_JPEG_BYTES) {
            log.warn("Ring picture refused: {}", taken);
            return;
        }
        Instant now = clock.instant();
        Instant takenAt = now.minusMillis(taken.encodeMs());
        Snapshot snapshot = snapshot(ringId, takenAt, taken.picture(), now);
        toOwners.accept(snapshot, expiresAt);
        onSent.forEach(listener -> listener.accept(snapshot));
        if (live && push != null) {
            taken.thumbnail().ifPresent(t -> push.accept(snapshot(ringId, takenAt, t, now), expiresAt));
        }
        last = new Last(ringId, ringToPictureMs, taken.cameraMs(), taken.encodeMs(), taken.picture().width(), taken.picture().height(),
                taken.picture().size(), taken.thumbnail().map(JpegImage::size).orElse(null));
        writer.execute(() -> save(snapshot));
    }

    private Snapshot snapshot(String ringId, Instant takenAt, JpegImage image, Instant now) {
        return new Snapshot(deviceId, ringId, Optional.empty(), takenAt, image.width(), image.height(), image.bytes(), now);
    }

    /** Told of each ring picture sent to the owners (Home Assistant's last visitor). */
    public void onSent(java.util.function.Consumer<Snapshot> listener) {
        onSent.add(listener);
    }

    /** The picture kept of ring {@code ringId}, if any. */
    public Optional<Snapshot> stored(String ringId) {
        if (!Ids.isValid(ringId)) {
            return Optional.empty();
        }
        try {
            JsonNode meta = JSON.readTree(Files.readAllBytes(dir.resolve(ringId + ".json")));
            byte[] jpeg = Files.readAllBytes(dir.resolve(ringId + ".jpg"));
            return Optional.of(new Snapshot(deviceId, ringId, Optional.empty(), Instant.ofEpochMilli(meta.path("takenAt").asLong()),
                    meta.path("width").asInt(), meta.path("height").asInt(), jpeg, clock.instant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            log.warn("Ring {}: its stored picture is unreadable ({}); ignored", ringId, e.toString());
            return Optional.empty();
        }
    }

    /** An owner's {@code snapshot-request}: queued, answered in turn with the picture (or nothing if none is kept). */
    public synchronized void ownerMessage(String owner, Message message) {
        if (!(message instanceof SnapshotRequest request)) {
            log.warn("Ignored {} from owner {}: not a picture request", message.type().wireName(), owner);
            return;
        }
        Deque<SnapshotRequest> queue = waiting.get(owner);
        if (queue == null) {
            if (waiting.size() >= MAX_OWNERS_WAITING) {
                refused++;
                log.warn("Picture request from owner {} refused: {} owners are waiting", owner, waiting.size());
                return;
            }
            queue = new ArrayDeque<>();
            waiting.put(owner, queue);
        }
        if (queue.size() >= MAX_WAITING_PER_OWNER) {
            refused++;
            log.info("Picture request from owner {} refused: {} of theirs are waiting", owner, queue.size());
            return;
        }
        queue.add(request);
    }

    /** Every {@link #REPLY_EVERY_MS}: the first owner waiting gets one reply and goes to the back of the line. */
    private void replyOne() {
        String owner;
        SnapshotRequest request;
        synchronized (this) {
            var first = waiting.entrySet().stream().findFirst();
            if (first.isEmpty()) {
                return;
            }
            owner = first.get().getKey();
            Deque<SnapshotRequest> queue = waiting.remove(owner);
            request = queue.poll();
            if (!queue.isEmpty()) {
                waiting.put(owner, queue);
            }
        }
        try {
            stored(request.ringId()).ifPresentOrElse(
                    picture -> toOwner.accept(owner, picture.inReplyTo(request.requestId(), clock.instant())),
                    () -> log.debug("Owner {} asked for ring {}'s picture: none kept", owner, request.ringId()));
        } catch (RuntimeException e) {
            log.warn("Picture reply to owner {} failed: {}", owner, e.toString());
        }
    }

    /** Picture requests refused so far (too many waiting). */
    public synchronized long refused() {
        return refused;
    }

    public Optional<Last> last() {
        return Optional.ofNullable(last);
    }

    private void save(Snapshot snapshot) {
        String ringId = snapshot.ringId();
        synchronized (this) {
            if (!ringId.equals(ringing) && !kept.contains(ringId)) {
                return; // its visit was deleted meanwhile
            }
        }
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(dir.resolve(ringId + ".jpg"), snapshot.jpeg(), false);
            AtomicFiles.write(dir.resolve(ringId + ".json"), JSON.createObjectNode().put("takenAt", snapshot.takenAt().toEpochMilli())
                    .put("width", snapshot.width()).put("height", snapshot.height()).toString(), false);
        } catch (IOException e) {
            log.error("Ring {}: its picture was not saved ({}); owners got it all the same", ringId, e.toString());
        }
    }

    private void deleteAllBut(Set<String> keep) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                int dot = name.lastIndexOf('.');
                String ringId = dot > 0 ? name.substring(0, dot) : name;
                if (!keep.contains(ringId)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            log.error("Pictures of deleted visits not all deleted ({}); tried again at the next change", e.toString());
        }
    }

    /** Waits for the writes and deletions already asked for (tests, and closing). */
    public void flush() {
        try {
            writer.submit(() -> { }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Picture writes did not finish: {}", e.toString());
        }
    }

    @Override
    public void close() {
        replies.shutdownNow();
        flush();
        writer.shutdown();
    }
}
