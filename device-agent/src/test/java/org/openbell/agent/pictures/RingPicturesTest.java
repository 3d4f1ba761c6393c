package org.openbell.agent.pictures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.ring.RingSnapshot;
import org.openbell.agent.ring.RingState;
import org.openbell.media.channel.JpegImage;
import org.openbell.media.channel.WorkerEvent;
import org.openbell.signaling.Message;
import org.openbell.signaling.Snapshot;
import org.openbell.signaling.SnapshotRequest;

/** The doorbell's ring pictures: who gets them and for how long, how long they are kept, and paced replies. */
class RingPicturesTest {

    private static final Instant PRESSED = Instant.parse("2026-12-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(PRESSED.plusMillis(400), ZoneOffset.UTC);
    private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, 7, 7, 7, (byte) 0xff, (byte) 0xd9};
    private static final byte[] THUMB = {(byte) 0xff, (byte) 0xd8, 1, (byte) 0xff, (byte) 0xd9};

    @TempDir
    Path dir;

    private record Sent(String to, Message message, Instant expiresAt) {
    }

    private final List<Sent> toOwners = new CopyOnWriteArrayList<>();
    private final List<Sent> toOne = new CopyOnWriteArrayList<>();
    private final List<Sent> pushed = new CopyOnWriteArrayList<>();

    private RingPictures pictures() {
        return new RingPictures(dir, "front-door", CLOCK, Duration.ofSeconds(30), (s, until) -> toOwners.add(new Sent("all", s, until)),
                (owner, m) -> toOne.add(new Sent(owner, m, null)), (s, until) -> pushed.add(new Sent("push", s, until)));
    }

    private static RingSnapshot ringing(String ringId) {
        return new RingSnapshot(RingState.RINGING, Optional.of(ringId), 1, Optional.empty(), Optional.of(PRESSED));
    }

    private static WorkerEvent.SnapshotTaken taken(String ringId) {
        return new WorkerEvent.SnapshotTaken(ringId, new JpegImage(640, 480, JPEG), Optional.of(new JpegImage(160, 120, THUMB)), 30, 20);
    }

    @Test
    void aPictureGoesToEveryOwnerAndEveryPhoneWhileItsRingRingsAndIsKept() {
        try (RingPictures pictures = pictures()) {
            pictures.onTransition(RingState.IDLE, RingState.RINGING, ringing("r1"));
            pictures.taken(taken("r1"));
            Snapshot sent = (Snapshot) toOwners.getFirst().message();
            assertEquals("r1", sent.ringId());
            assertEquals(640, sent.width());
            assertTrue(java.util.Arrays.equals(JPEG, sent.jpeg()));
            assertEquals(PRESSED.plusSeconds(30), toOwners.getFirst().expiresAt(), "for as long as the ring rings");
            Snapshot thumbnail = (Snapshot) pushed.getFirst().message();
            assertEquals(160, thumbnail.width(), "the thumbnail to the phones");
            assertEquals(PRESSED.plusSeconds(30), pushed.getFirst().expiresAt());
            assertEquals("r1", pictures.last().orElseThrow().ringId());
            pictures.flush();
            assertTrue(java.util.Arrays.equals(JPEG, pictures.stored("r1").orElseThrow().jpeg()), "kept in the state folder");
        }
        try (RingPictures again = pictures()) {
            Snapshot stored = again.stored("r1").orElseThrow();
            assertEquals(640, stored.width());
            assertEquals(CLOCK.instant().minusMillis(20), stored.takenAt(), "when it was taken: before its encoding");
        }
    }

    @Test
    void aPictureAfterItsRingEndedGoesToOwnersForHalfAMinuteAndNotToPhones() {
        try (RingPictures pictures = pictures()) {
            pictures.onTransition(RingState.IDLE, RingState.RINGING, ringing("r1"));
            pictures.keepOnly(Set.of("r1")); // the ring ended: its visit is in the history
            pictures.onTransition(RingState.RINGING, RingState.ANSWERED, ringing("r1"));
            pictures.taken(taken("r1"));
            assertEquals(CLOCK.instant().plus(RingPictures.AFTER_RING_EXPIRY), toOwners.getFirst().expiresAt());
            assertTrue(pushed.isEmpty(), "a phone is not told of a ring that no longer rings");
        }
    }

    @Test
    void deletingAVisitDeletesItsPictureAndALatePictureOfADeletedVisitIsDropped() throws Exception {
        try (RingPictures pictures = pictures()) {
            pictures.onTransition(RingState.IDLE, RingState.RINGING, ringing("r1"));
            pictures.taken(taken("r1"));
            pictures.keepOnly(Set.of("r1"));
            pictures.onTransition(RingState.RINGING, RingState.TIMED_OUT, ringing("r1"));
            pictures.flush();
            assertTrue(Files.exists(dir.resolve("r1.jpg")));
            pictures.keepOnly(Set.of("r0"));
            pictures.flush();
            assertFalse(Files.exists(dir.resolve("r1.jpg")), "the visit went: its picture too");
            assertFalse(Files.exists(dir.resolve("r1.json")));

            toOwners.clear();
            pictures.taken(taken("r1"));
            pictures.flush();
            assertTrue(toOwners.isEmpty(), "a picture of a visit already deleted is not sent");
            assertFalse(Files.exists(dir.resolve("r1.jpg")), "nor kept");
        }
    }

    @Test
    void requestsAreAnsweredOneAtATimeAndAnOwnerMayHaveTwelveWaiting() throws Exception {
        try (RingPictures pictures = pictures()) {
            pictures.onTransition(RingState.IDLE, RingState.RINGING, ringing("r1"));
            pictures.taken(taken("r1"));
            pictures.flush();
            for (int i = 0; i < RingPictures.MAX_WAITING_PER_OWNER + 1; i++) {
                pictures.ownerMessage("alice", new SnapshotRequest("front-door", "q" + i, i == 1 ? "r-none" : "r1", CLOCK.instant()));
            }
            assertEquals(1, pictures.refused(), "the thirteenth waiting request is refused");
            Thread.sleep(RingPictures.REPLY_EVERY_MS * 3 + 100);
            int soon = toOne.size();
            assertTrue(soon >= 1 && soon <= 4, "one reply per " + RingPictures.REPLY_EVERY_MS + " ms, not all at once: " + soon);
            for (int i = 0; i < 60 && toOne.size() < RingPictures.MAX_WAITING_PER_OWNER - 1; i++) {
                Thread.sleep(100);
            }
            assertEquals(RingPictures.MAX_WAITING_PER_OWNER - 1, toOne.size(), "each answered, but the one for a ring without a picture");
            Snapshot reply = (Snapshot) toOne.getFirst().message();
            assertEquals("alice", toOne.getFirst().to());
            assertEquals(Optional.of("q0"), reply.requestId());
            assertTrue(toOne.stream().noneMatch(s -> ((Snapshot) s.message()).requestId().equals(Optional.of("q1"))));
        }
    }

    @Test
    void anUnreadablePictureIsIgnored() throws Exception {
        Files.writeString(dir.resolve("r9.json"), "{\"takenAt\":1,\"width\":640,\"height\":480}");
        Files.write(dir.resolve("r9.jpg"), new byte[] {1, 2, 3});
        try (RingPictures pictures = pictures()) {
            assertEquals(Optional.empty(), pictures.stored("r9"));
            assertEquals(Optional.empty(), pictures.stored("../etc/passwd"), "only ids name files");
        }
    }
}
