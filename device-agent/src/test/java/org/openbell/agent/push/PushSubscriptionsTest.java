package org.openbell.agent.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stored subscriptions: per owner, capped, kept private and atomic, and gone with their phone. */
class PushSubscriptionsTest {

    static final String KEY = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    static final String AUTH = "BTBZMqHH6r4Tts7J_aSIgg";

    @TempDir
    Path dir;

    static PushSubscription sub(String owner, int n) {
        return new PushSubscription(owner, "https://fcm.googleapis.com/fcm/send/" + owner + n, KEY, AUTH, Instant.ofEpochMilli(1000L * n));
    }

    @Test
    void subscriptionsSurviveARestartInAPrivateFile() throws IOException {
        Path file = dir.resolve("push/subscriptions.json");
        PushSubscriptions store = PushSubscriptions.open(file);
        store.add(sub("alice", 1));
        store.add(sub("bob", 2));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of(sub("alice", 1), sub("bob", 2)), PushSubscriptions.open(file).all());
    }

    @Test
    void anOwnersFifthReplacesTheirOldestAndNoOneElses() throws IOException {
        PushSubscriptions store = PushSubscriptions.open(dir.resolve("s.json"));
        store.add(sub("bob", 0));
        for (int i = 1; i <= 5; i++) {
            store.add(sub("alice", i));
        }
        assertEquals(List.of(sub("alice", 2), sub("alice", 3), sub("alice", 4), sub("alice", 5)), store.of("alice"));
        assertEquals(List.of(sub("bob", 0)), store.of("bob"));
    }

    @Test
    void onlyItsOwnerWithdrawsOneAndARemovedPhoneTakesAllOfItsOwn() throws IOException {
        PushSubscriptions store = PushSubscriptions.open(dir.resolve("s.json"));
        store.add(sub("alice", 1));
        store.add(sub("alice", 2));
        store.add(sub("bob", 3));
        assertTrue(!store.remove("bob", sub("alice", 1).endpoint()), "bob cannot withdraw alice's");
        assertEquals(2, store.forgetOwner("alice"));
        assertEquals(List.of(sub("bob", 3)), PushSubscriptions.open(dir.resolve("s.json")).all());
    }

    @Test
    void anUnreadableFileIsKeptAndChangesAreRefused() throws IOException {
        Path file = dir.resolve("s.json");
        Files.writeString(file, "{not json");
        PushSubscriptions store = PushSubscriptions.open(file);
        assertEquals(0, store.size());
        assertThrows(IOException.class, () -> store.add(sub("alice", 1)));
        assertEquals("{not json", Files.readString(file), "nothing is lost");
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2026-12-01T12:00:00Z");
        assertEquals(Optional.of(120_000L), PushSender.retryAfterMs("120", Optional.empty(), now));
        assertEquals(Optional.of(30_000L), PushSender.retryAfterMs("Tue, 01 Dec 2026 12:00:30 GMT", Optional.of(now), now.plusSeconds(3600)),
                "relative to the response's own Date, not a clock that may be off");
        assertEquals(Optional.empty(), PushSender.retryAfterMs("soon", Optional.empty(), now));
    }
}
