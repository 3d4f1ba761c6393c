package org.openbell.agent.ring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.openbell.signaling.Ids;
import org.openbell.signaling.access.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers, in the state folder, which ring is ringing, so that after the process is killed
 * mid-ring the next one can tell owners that ring is over. Writes happen on their own thread
 * (an SD card's fsync can take tens of milliseconds; the ring must not wait for it); a folder that
 * cannot be written only costs this, with one log line.
 */
public final class RingJournal implements RingListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RingJournal.class);

    private final Path file;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("openbell-ring-journal").factory());
    private volatile boolean failed;

    public RingJournal(Path file) {
        this.file = file;
    }

    /** The ring the previous process left ringing, if any (and forgets it). */
    public Optional<String> takeInterrupted() {
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            String id = Files.readString(file, StandardCharsets.UTF_8).trim();
            Files.deleteIfExists(file);
            return Ids.isValid(id) ? Optional.of(id) : Optional.empty();
        } catch (IOException e) {
            log.warn("Cannot read or clear {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void onTransition(RingState from, RingState to, RingSnapshot snapshot) {
        if (to == RingState.RINGING) {
            String id = snapshot.ringId().orElseThrow();
            writer.execute(() -> write(id));
        } else if (to == RingState.IDLE) {
            writer.execute(this::clear);
        }
    }

    private void write(String id) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.write(file, id + "\n", false);
        } catch (IOException e) {
            report(e);
        }
    }

    private void clear() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            report(e);
        }
    }

    private void report(IOException e) {
        if (!failed) {
            failed = true;
            log.warn("Cannot keep the current ring in {} ({}): after a crash, phones may ring on for an interrupted ring",
                    file, e.toString());
        }
    }

    @Override
    public void close() {
        writer.shutdown();
    }
}
