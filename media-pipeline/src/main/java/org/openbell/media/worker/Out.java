package org.openbell.media.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The worker's event channel: one JSON object per line on stdout (logs go to stderr). Thread-safe. */
final class Out {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream stdout;

    Out(PrintStream stdout) {
        this.stdout = new PrintStream(stdout, false, StandardCharsets.UTF_8);
    }

    ObjectNode event(String name) {
        return JSON.createObjectNode().put("ev", name);
    }

    synchronized void send(ObjectNode event) {
        stdout.println(event.toString());
        stdout.flush();
    }
}
