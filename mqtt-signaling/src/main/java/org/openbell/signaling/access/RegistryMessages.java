package org.openbell.signaling.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import org.openbell.signaling.Ids;

/**
 * What a doorbell and the the registrar (broker-tools, {@code org.openbell.brokertools.Registrar}) say to each other (docs/protocol.md, "Owner registry"):
 * <pre>
 * {"v":1,"type":"pair-owner","requestId":"...","ownerId":"...","passwordHash":"$7$..."}
 * {"v":1,"type":"remove-owner","requestId":"...","ownerId":"..."}
 * {"v":1,"type":"registry-reply","requestId":"...","ok":true}   or  "ok":false,"error":"..."
 * </pre>
 * Decoding is strict: unknown fields, missing fields, bad ids or a malformed hash are refused.
 */
public final class RegistryMessages {

    static final int MAX_BYTES = 2048;
    private static final ObjectMapper JSON = new ObjectMapper();

    private RegistryMessages() {
    }

    /** A doorbell's request: pair an owner (with the hash of the password it gave them) or remove one. */
    public sealed interface Request permits PairOwner, RemoveOwner {
        String requestId();

        String ownerId();
    }

    public record PairOwner(String requestId, String ownerId, String passwordHash) implements Request {
        public PairOwner {
            Ids.requireValid("requestId", requestId);
            Ids.requireValid("ownerId", ownerId);
            if (!MosquittoPasswords.isHash(passwordHash)) {
                throw new IllegalArgumentException("passwordHash is not a Mosquitto $7$ hash");
            }
        }
    }

    public record RemoveOwner(String requestId, String ownerId) implements Request {
        public RemoveOwner {
            Ids.requireValid("requestId", requestId);
            Ids.requireValid("ownerId", ownerId);
        }
    }

    /** The registrar's answer to one request. */
    public record Reply(String requestId, Optional<String> error) {
        public boolean ok() {
            return error.isEmpty();
        }
    }

    public static byte[] encode(Request request) {
        ObjectNode node = JSON.createObjectNode().put("v", 1);
        switch (request) {
            case PairOwner p -> node.put("type", "pair-owner").put("requestId", p.requestId()).put("ownerId", p.ownerId())
                    .put("passwordHash", p.passwordHash());
            case RemoveOwner r -> node.put("type", "remove-owner").put("requestId", r.requestId()).put("ownerId", r.ownerId());
        }
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] encode(Reply reply) {
        ObjectNode node = JSON.createObjectNode().put("v", 1).put("type", "registry-reply").put("requestId", reply.requestId())
                .put("ok", reply.ok());
        reply.error().ifPresent(e -> node.put("error", e));
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static Request decodeRequest(byte[] payload) {
        JsonNode node = parse(payload);
        String type = text(node, "type");
        return switch (type) {
            case "pair-owner" -> {
                only(node, Set.of("v", "type", "requestId", "ownerId", "passwordHash"));
                yield new PairOwner(text(node, "requestId"), text(node, "ownerId"), text(node, "passwordHash"));
            }
            case "remove-owner" -> {
                only(node, Set.of("v", "type", "requestId", "ownerId"));
                yield new RemoveOwner(text(node, "requestId"), text(node, "ownerId"));
            }
            default -> throw new IllegalArgumentException("unknown registry request type \"" + (Ids.isValid(type) ? type : "?") + "\"");
        };
    }

    public static Reply decodeReply(byte[] payload) {
        JsonNode node = parse(payload);
        only(node, Set.of("v", "type", "requestId", "ok", "error"));
        if (!"registry-reply".equals(text(node, "type")) || !node.path("ok").isBoolean()) {
            throw new IllegalArgumentException("not a registry reply");
        }
        boolean ok = node.path("ok").asBoolean();
        Optional<String> error = ok ? Optional.empty() : Optional.of(node.path("error").asText("refused"));
        return new Reply(Ids.requireValid("requestId", text(node, "requestId")), error);
    }

    private static JsonNode parse(byte[] payload) {
        if (payload.length > MAX_BYTES) {
            throw new IllegalArgumentException("registry message of " + payload.length + " bytes (at most " + MAX_BYTES + ")");
        }
        JsonNode node;
        try {
            node = JSON.readTree(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("registry message is not JSON");
        }
        if (node == null || !node.isObject() || node.path("v").asInt() != 1) {
            throw new IllegalArgumentException("registry message is not a version 1 JSON object");
        }
        return node;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("registry message without text field \"" + field + "\"");
        }
        return value.asText();
    }

    private static void only(JsonNode node, Set<String> fields) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new IllegalArgumentException("registry message with unknown field \"" + (Ids.isValid(name) ? name : "?") + "\"");
            }
        }
    }
}
