package org.openbell.agent.state;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.openbell.signaling.access.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one small file of the state folder atomically, off the caller's thread (the ring and
 * owner-message threads never wait for a disk), in the order asked. A write that fails (a full or
 * read-only disk) is logged with what was lost, and the doorbell carries on.
 */
public final class StateFileWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StateFileWriter.class);

    private final Path file;
    private final String what;
    private final ExecutorService writer;

    /** @param what what the file holds, for the log ("the door openings") */
    public StateFileWriter(Path file, String what, String threadName) {
        this.file = file;
        this.what = what;
        this.writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().name(threadName).factory());
    }

    /** Replaces the file's content with {@code content}, soon. */
    public void write(byte[] content) {
        try {
            writer.execute(() -> {
                try {
                    AtomicFiles.write(file, content, false);
                } catch (IOException e) {
                    log.error("{} were not written to {} ({}); kept in memory until the next write", what, file, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("{}: closed, not written", what);
        }
    }

    /** Waits for the writes asked for so far (tests, closing). */
    public void flush() {
        try {
            writer.submit(() -> { }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Writes of {} did not finish: {}", what, e.toString());
        }
    }

    @Override
    public void close() {
        writer.shutdown();
    }
}
