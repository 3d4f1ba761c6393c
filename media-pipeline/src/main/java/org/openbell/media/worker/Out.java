package org.openbell.media.worker;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.openbell.media.channel.WorkerChannel;
import org.openbell.media.channel.WorkerEvent;

/** The worker's event channel: one {@link WorkerChannel} line per event on stdout (logs go to stderr). Thread-safe. */
final class Out {

    private final PrintStream stdout;

    Out(PrintStream stdout) {
        this.stdout = new PrintStream(stdout, false, StandardCharsets.UTF_8);
    }

    synchronized void send(WorkerEvent event) {
        stdout.println(WorkerChannel.encode(event));
        stdout.flush();
    }
}
