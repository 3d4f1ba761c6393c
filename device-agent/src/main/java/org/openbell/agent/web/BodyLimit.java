package org.openbell.agent.web;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Refuses request bodies over {@link #MAX_BYTES} with 413, as an answer rather than a dropped
 * connection: what was sent (up to {@link #DRAIN_BYTES}) is read and discarded first, so the
 * client, still writing, gets to read the reply. The owner app's requests are a few hundred bytes.
 */
final class BodyLimit extends Filter {

    static final int MAX_BYTES = 4096;
    static final long DRAIN_BYTES = 16L << 20;

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        long declared = -1;
        if (length != null) {
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = Long.MAX_VALUE;
            }
        }
        if (declared > MAX_BYTES) {
            refuse(exchange, declared);
            return;
        }
        chain.doFilter(exchange);
    }

    /** 413 for a body found too big while reading it (no length given up front). */
    static void refuse(HttpExchange exchange, long declared) throws IOException {
        if (declared <= DRAIN_BYTES) {
            try (InputStream in = exchange.getRequestBody()) {
                in.skipNBytes(Math.max(0, declared)); // bounded by the server's request time limit
            } catch (IOException e) {
                // the client gave up: nothing to answer
            }
        }
        exchange.getResponseHeaders().set("Connection", "close");
        byte[] body = ("{\"error\":\"request body over " + MAX_BYTES + " bytes\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(413, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public String description() {
        return "request bodies of at most " + MAX_BYTES + " bytes";
    }
}
