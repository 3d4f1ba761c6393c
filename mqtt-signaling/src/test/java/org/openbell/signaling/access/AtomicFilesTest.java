package org.openbell.signaling.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash in the middle of a write leaves the old content or the new, never a mix: a process
 * rewriting a 1 MiB file in a loop is killed (SIGKILL) at random moments, 15 times, and the file
 * is checked each time. (Its {@code naive} mode, writing in place, tears the file within a few
 * kills: see AtomicWriter.)
 */
class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void aKilledWriterLeavesTheOldOrTheNewFileNeverATornOne() throws Exception {
        Path file = dir.resolve("state.json");
        for (int round = 0; round < 15; round++) {
            Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), AtomicWriter.class.getName(), file.toString())
                    .redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("first write done", out.readLine());
            Thread.sleep(ThreadLocalRandom.current().nextInt(5, 120));
            writer.destroyForcibly(); // SIGKILL: no shutdown hooks, no flushing, mid-write
            assertTrue(writer.waitFor(10, TimeUnit.SECONDS));
            String text = Files.readString(file);
            assertEquals(1 << 20, text.length(), "round " + round + ": the file has its full length");
            char first = text.charAt(0);
            assertTrue((first == 'a' || first == 'b') && text.chars().allMatch(c -> c == first), "round " + round + ": a torn file");
        }
    }

    @Test
    void secretsAreOwnerOnlyAndNoTemporaryFileIsLeftAfterASuccessfulWrite() throws Exception {
        Path file = dir.resolve("secret");
        AtomicFiles.write(file, "one", true);
        AtomicFiles.write(file, "two", true);
        assertEquals("two", Files.readString(file));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var files = Files.list(dir)) {
            assertEquals(java.util.List.of(file), files.toList());
        }
    }

    /** Issue 11, defect 7: a write that fails on a full disk left a zero-length temporary file behind. */
    @Test
    void aWriteToAFullDiskKeepsTheOldFileAndLeavesNothingBehind() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root to mount a small tmpfs (scripts/test runs as root in CI)");
        Path small = Files.createDirectories(dir.resolve("small"));
        run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small.toString());
        try {
            Path file = small.resolve("owners.json");
            AtomicFiles.write(file, "old", false);
            assertThrows(java.io.IOException.class, () -> AtomicFiles.write(file, "x".repeat(1 << 20), false));
            assertEquals("old", Files.readString(file));
            try (var files = Files.list(small)) {
                assertEquals(java.util.List.of(file), files.toList(), "no temporary file left");
            }
        } finally {
            run("umount", small.toString());
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }
}
