package org.openbell.agent.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openbell.agent.owners.ButtonClaims;
import org.openbell.agent.owners.Owner;
import org.openbell.agent.owners.Pairing;
import org.openbell.agent.owners.PairingCodes;
import org.openbell.agent.owners.PairingException;

/**
 * The pairing API (docs/pairing.md):
 * <ul>
 *   <li>{@code POST /api/pairing/codes}: a new one-time code; for a paired owner
 *       ({@code Authorization: Basic} with their broker account) or a request from the device itself (loopback);</li>
 *   <li>{@code POST /api/pairing/claims}, then {@code GET /api/pairing/claims/{id}}: while no phone is
 *       paired, a phone asks to pair and someone presses the doorbell's button (see {@link ButtonClaims});</li>
 *   <li>{@code POST /api/pairing/redeem} {@code {"code","name"}}: a phone's own broker account, once per code;</li>
 *   <li>{@code GET /api/owners}: the paired phones (owners only);</li>
 *   <li>{@code DELETE /api/owners/{id}}: unpair a phone (owners only); it loses broker access at once.</li>
 * </ul>
 * Without an access-controlled broker (the demo's open broker) every route answers 409.
 */
final class PairingRoutes {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = BodyLimit.MAX_BYTES;
    private static final String BODY = "openbell.body";

    private final Optional<Pairing> pairing;

    PairingRoutes(Optional<Pairing> pairing) {
        this.pairing = pairing;
    }

    void register(WebServer.Routes server) {
        server.add("/api/pairing/codes", exchange -> handle(exchange, "POST", p -> {
            if (!isLocal(exchange) && owner(p, exchange).isEmpty()) {
                return reply(401, Map.of("error", "only a paired phone (or the doorbell itself) can make pairing codes"));
            }
            PairingCodes.Issued code = p.newCode();
            return reply(201, Map.of("code", code.display(), "expiresAt", code.expiresAt().toEpochMilli()));
        }));
        server.add("/api/pairing/claims", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/api/pairing/claims")) {
                handle(exchange, "POST", p -> reply(201, Map.of("claim", p.openButtonClaim(),
                        "expiresInMs", ButtonClaims.WINDOW.toMillis())));
            } else {
                handle(exchange, "GET", p -> switch (p.buttonClaim(path.substring("/api/pairing/claims/".length()))) {
                    case ButtonClaims.Status.Waiting w -> reply(202, Map.of("waiting", true, "expiresAt", w.expiresAt().toEpochMilli()));
                    case ButtonClaims.Status.Approved a -> reply(200, Map.of("code", a.code().display(),
                            "expiresAt", a.code().expiresAt().toEpochMilli()));
                    case ButtonClaims.Status.Conflict c -> reply(409, Map.of("error",
                            "more than one phone asked to pair at the same time, so none was let in: ask again, then press the button"));
                    case ButtonClaims.Status.Unknown u -> reply(410, Map.of("error",
                            "the button was not pressed in time: ask again, then press the doorbell's button"));
                });
            }
        });
        server.add("/api/pairing/redeem", exchange -> handle(exchange, "POST", p -> {
            JsonNode body = body(exchange);
            Pairing.Paired paired = p.redeem(body.path("code").asText(""), body.path("name").asText(""));
            return reply(201, Map.of("ownerId", paired.ownerId(), "username", paired.username(), "password", paired.password()));
        }));
        server.add("/api/owners", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/api/owners")) {
                handle(exchange, "GET", p -> {
                    Optional<Owner> me = owner(p, exchange);
                    if (me.isEmpty()) {
                        return reply(401, Map.of("error", "only paired phones can see the owner list"));
                    }
                    List<Map<String, Object>> owners = p.owners().stream().map(o -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("id", o.id());
                        m.put("name", o.name());
                        m.put("pairedAt", o.pairedAt().toEpochMilli());
                        m.put("you", o.id().equals(me.get().id()));
                        return m;
                    }).toList();
                    return reply(200, Map.of("owners", owners));
                });
            } else {
                handle(exchange, "DELETE", p -> {
                    if (owner(p, exchange).isEmpty()) {
                        return reply(401, Map.of("error", "only paired phones can remove owners"));
                    }
                    p.remove(path.substring("/api/owners/".length()));
                    return reply(200, Map.of("removed", true));
                });
            }
        });
    }

    private record Reply(int status, Object body) {
    }

    private static Reply reply(int status, Object body) {
        return new Reply(status, body);
    }

    @FunctionalInterface
    private interface Route {
        Reply serve(Pairing pairing) throws PairingException, IOException;
    }

    private void handle(HttpExchange exchange, String method, Route route) throws IOException {
        // The body first, whatever comes next: one over the limit (chunked, so the filter could
        // not tell) is answered 413 rather than read further or dropped.
        InputStream in = exchange.getRequestBody(); // closed with the exchange
        byte[] bytes = in.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            BodyLimit.refuse(exchange, BodyLimit.DRAIN_BYTES); // drains the rest, then answers
            return;
        }
        exchange.setAttribute(BODY, bytes);
        if (!exchange.getRequestMethod().equals(method)) {
            exchange.getResponseHeaders().set("Allow", method);
            WebServer.sendJson(exchange, 405, Map.of("error", "method not allowed"));
            return;
        }
        if (pairing.isEmpty()) {
            WebServer.sendJson(exchange, 409, Map.of("error",
                    "pairing is off: this doorbell's broker is open to anyone (embeddedBroker.anonymous), or has no account for it (mqtt.username)"));
            return;
        }
        Reply reply;
        try {
            reply = route.serve(pairing.get());
        } catch (PairingException e) {
            reply = reply(e.status(), Map.of("error", e.getMessage()));
        } catch (BadRequest e) {
            reply = reply(400, Map.of("error", e.getMessage()));
        }
        WebServer.sendJson(exchange, reply.status(), reply.body());
    }

    static Optional<Owner> owner(Pairing pairing, HttpExchange exchange) {
        return pairing.authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
    }

    /** A request from the device itself (someone with a shell on it). */
    private static boolean isLocal(HttpExchange exchange) {
        return exchange.getRemoteAddress().getAddress().isLoopbackAddress();
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        byte[] bytes = (byte[]) exchange.getAttribute(BODY);
        if (bytes == null) {
            throw new BadRequest("no request body");
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new BadRequest("expected a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new BadRequest("request body is not JSON");
        }
    }

    private static final class BadRequest extends IOException {
        BadRequest(String message) {
            super(message);
        }
    }
}
