package org.openbell.signaling.access;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes a file so that a crash or power cut leaves either the old content or the new, never a
 * torn file: a temporary file beside it, flushed to disk, renamed over the old one, and the
 * folder flushed so the rename itself survives.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** Replaces {@code file} with {@code text}; mode 600 if {@code secret}, else 640. */
    public static void write(Path file, String text, boolean secret) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8), secret);
    }

    /** Replaces {@code file} with {@code content}; mode 600 if {@code secret}, else 640. */
    public static void write(Path file, byte[] content, boolean secret) throws IOException {
        write(file, content, secret ? "rw-------" : "rw-r-----");
    }

    /** Replaces {@code file} with {@code content}, with {@code mode} (e.g. {@code rw-r--r--}) from its creation on. */
    public static void write(Path file, byte[] content, String mode) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp); // a leftover of a crash: created anew below, never reused with its old mode
        var permissions = PosixFilePermissions.fromString(mode);
        try {
            try (FileChannel channel = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(permissions))) {
                Files.setPosixFilePermissions(tmp, permissions); // the umask may have taken bits away
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // A full disk or a read-only remount: the old file stays as it was, and no torn
            // temporary file is left behind to fill the disk further or confuse the next writer.
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the folder itself is unwritable: nothing was created there
            }
            throw e;
        }
        try (FileChannel folder = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            folder.force(true);
        } catch (IOException e) {
            // Some file systems cannot open or flush a directory; the rename is still atomic.
        }
    }
}
