package org.openbell.agent.owners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.signaling.access.MosquittoPasswords;

class OwnerStoreTest {

    @TempDir
    Path dir;

    @Test
    void ownersSurviveARestartAndTheFileIsPrivate() throws IOException {
        Path file = dir.resolve("state/owners.json");
        OwnerStore store = OwnerStore.open(file);
        Owner alice = new Owner("alice-abc", "Alice's phone", MosquittoPasswords.hash("p"), Instant.ofEpochMilli(1_000));
        store.add(alice);
        store.add(new Owner("bob-def", "Bob", MosquittoPasswords.hash("q"), Instant.ofEpochMilli(2_000)));
        store.remove("bob-def");
        assertEquals(List.of(alice), OwnerStore.open(file).owners());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void anUnreadableFileIsKeptAndChangesAreRefused() throws IOException {
        Path file = dir.resolve("owners.json");
        Files.writeString(file, "{\"owners\": [{\"id\": \"alice\", \"na");
        OwnerStore store = OwnerStore.open(file);
        assertTrue(store.unreadable().isPresent());
        assertTrue(store.owners().isEmpty());
        assertThrows(IOException.class, () -> store.add(new Owner("x", "X", MosquittoPasswords.hash("p"), Instant.now())));
        assertEquals("{\"owners\": [{\"id\": \"alice\", \"na", Files.readString(file), "the file is left for repair");
    }
}
