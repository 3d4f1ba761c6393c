package org.openbell.signaling;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Encodes and strictly decodes protocol v1 messages. Decoding checks the rules of
 * docs/protocol.md in their order and either returns a valid {@link Message} or throws a
 * {@link ProtocolException}: never a half-built object, never another exception.
 * Immutable and thread-safe.
 */
public final class MessageCodec {

    public static final int PROTOCOL_VERSION = 1;
    public static final int MAX_PAYLOAD_BYTES = 65536;

    private static final Map<MessageType, List<Field>> SCHEMAS = Map.ofEntries(
            Map.entry(MessageType.PRESENCE, List.of(Field.id("deviceId"),
                    Field.choice("state", List.of("online", "offline")), Field.time("at"))),
            Map.entry(MessageType.RING, List.of(Field.id("deviceId"), Field.id("ringId"), Field.time("at"),
                    Field.time("expiresAt"), Field.positiveInt("presses"))),
            Map.entry(MessageType.RING_ENDED, List.of(Field.id("deviceId"), Field.id("ringId"), Field.time("at"),
                    Field.choice("outcome", List.of("answered", "declined", "timed-out")), Field.optionalId("by"))),
            Map.entry(MessageType.RING_ANSWER, List.of(Field.id("deviceId"), Field.id("ringId"), Field.time("at"))),
            Map.entry(MessageType.RING_DECLINE, List.of(Field.id("deviceId"), Field.id("ringId"), Field.time("at"))),
            Map.entry(MessageType.OFFER, List.of(Field.id("deviceId"), Field.id("sessionId"), Field.optionalId("ringId"),
                    Field.sdp("sdp"), Field.time("at"), Field.optionalIceServers("iceServers"))),
            Map.entry(MessageType.ANSWER, List.of(Field.id("deviceId"), Field.id("sessionId"), Field.sdp("sdp"),
                    Field.time("at"))),
            Map.entry(MessageType.CANDIDATE, List.of(Field.id("deviceId"), Field.id("sessionId"), Field.line("candidate"),
                    Field.token("sdpMid"), Field.index("sdpMLineIndex"), Field.time("at"))),
            Map.entry(MessageType.HANGUP, List.of(Field.id("deviceId"), Field.id("sessionId"),
                    Field.choice("reason", List.of("normal", "media-failed", "timeout", "busy")), Field.time("at"))),
            Map.entry(MessageType.CALL_STATE, List.of(Field.id("deviceId"), Field.id("sessionId"),
                    Field.choice("state", List.of("connecting", "connected", "ended")), Field.time("at"))),
            Map.entry(MessageType.LIVE_REQUEST, List.of(Field.id("deviceId"), Field.id("sessionId"), Field.time("at"))),
            Map.entry(MessageType.HISTORY_REQUEST, List.of(Field.id("deviceId"), Field.id("requestId"), Field.time("at"))),
            Map.entry(MessageType.HISTORY_DELETE, List.of(Field.id("deviceId"), Field.id("requestId"), Field.ids("ringIds"),
                    Field.time("at"))),
            Map.entry(MessageType.HISTORY, List.of(Field.id("deviceId"), Field.id("requestId"), Field.visits("visits"),
                    Field.time("at"))),
            Map.entry(MessageType.SNAPSHOT, List.of(Field.id("deviceId"), Field.id("ringId"), Field.optionalId("requestId"),
                    Field.time("takenAt"), Field.dimension("width"), Field.dimension("height"), Field.jpeg("jpeg"), Field.time("at"))),
            Map.entry(MessageType.SNAPSHOT_REQUEST, List.of(Field.id("deviceId"), Field.id("requestId"), Field.id("ringId"),
                    Field.time("at"))),
            Map.entry(MessageType.DOOR_OPEN, List.of(Field.id("deviceId"), Field.id("requestId"), Field.time("at"))),
            Map.entry(MessageType.DOOR_STATUS, List.of(Field.id("deviceId"), Field.id("requestId"),
                    Field.choice("state", List.of("opened", "refused")),
                    Field.optionalChoice("reason", List.of("no-strike", "too-soon", "not-paired")), Field.time("at"))),
            Map.entry(MessageType.DOOR_OPENINGS, List.of(Field.id("deviceId"), Field.id("requestId"), Field.openings("openings"),
                    Field.time("at"))),
            Map.entry(MessageType.CAPABILITIES, List.of(Field.id("deviceId"), Field.flag("door"), Field.flag("motion"),
                    Field.replies("replies"), Field.time("at"))),
            Map.entry(MessageType.MOTION, List.of(Field.id("deviceId"), Field.time("at"))),
            Map.entry(MessageType.PRESENCE_REQUEST, List.of(Field.id("deviceId"), Field.time("at"))),
            Map.entry(MessageType.MOTION_ALERTS, List.of(Field.id("deviceId"), Field.flag("enabled"), Field.time("at"))),
            Map.entry(MessageType.REPLY_PLAY, List.of(Field.id("deviceId"), Field.id("requestId"), Field.id("replyId"),
                    Field.time("at"))),
            Map.entry(MessageType.REPLY_STATUS, List.of(Field.id("deviceId"), Field.id("requestId"), Field.id("replyId"),
                    Field.choice("state", List.of("playing", "refused")),
                    Field.optionalChoice("reason", List.of("unknown-reply", "no-speaker", "too-soon", "not-paired")), Field.time("at"))),
            Map.entry(MessageType.PUSH_KEY, List.of(Field.id("deviceId"), Field.p256Key("key"), Field.time("at"))),
            Map.entry(MessageType.PUSH_SUBSCRIBE, List.of(Field.id("deviceId"), Field.endpoint("endpoint"),
                    Field.p256Key("p256dh"), Field.authSecret("auth"), Field.time("at"))),
            Map.entry(MessageType.PUSH_UNSUBSCRIBE, List.of(Field.id("deviceId"), Field.endpoint("endpoint"), Field.time("at"))),
            Map.entry(MessageType.PUSH_STATUS, List.of(Field.id("deviceId"), Field.endpoint("endpoint"),
                    Field.choice("state", List.of("subscribed", "unsubscribed", "refused")),
                    Field.optionalChoice("reason", List.of("endpoint-not-allowed", "bad-key", "push-off", "not-stored")),
                    Field.time("at"))));

    private final ObjectMapper mapper;

    public MessageCodec() {
        JsonFactory factory = JsonFactory.builder()
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(16).maxStringLength(MAX_PAYLOAD_BYTES).maxNumberLength(32).build())
                .build();
        mapper = new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** Compact UTF-8 JSON, {@code v} and {@code type} first, fields in the order of the spec. */
    public byte[] encode(Message message) {
        ObjectNode node = mapper.createObjectNode();
        node.put("v", PROTOCOL_VERSION);
        node.put("type", message.type().wireName());
        node.put("deviceId", message.deviceId());
        switch (message) {
            case Presence p -> {
                node.put("state", p.state().wireName());
                node.put("at", p.at().toEpochMilli());
            }
            case Ring r -> {
                node.put("ringId", r.ringId());
                node.put("at", r.at().toEpochMilli());
                node.put("expiresAt", r.expiresAt().toEpochMilli());
                node.put("presses", r.presses());
            }
            case RingEnded e -> {
                node.put("ringId", e.ringId());
                node.put("at", e.at().toEpochMilli());
                node.put("outcome", e.outcome().wireName());
                e.by().ifPresent(by -> node.put("by", by));
            }
            case RingAnswer a -> {
                node.put("ringId", a.ringId());
                node.put("at", a.at().toEpochMilli());
            }
            case RingDecline d -> {
                node.put("ringId", d.ringId());
                node.put("at", d.at().toEpochMilli());
            }
            case Offer o -> {
                node.put("sessionId", o.sessionId());
                o.ringId().ifPresent(r -> node.put("ringId", r));
                node.put("sdp", o.sdp());
                node.put("at", o.at().toEpochMilli());
                if (!o.iceServers().isEmpty()) {
                    var servers = node.putArray("iceServers");
                    for (IceServer server : o.iceServers()) {
                        var s = servers.addObject();
                        server.urls().forEach(s.putArray("urls")::add);
                        server.username().ifPresent(u -> s.put("username", u));
                        server.credential().ifPresent(c -> s.put("credential", c));
                    }
                }
            }
            case Answer a -> {
                node.put("sessionId", a.sessionId());
                node.put("sdp", a.sdp());
                node.put("at", a.at().toEpochMilli());
            }
            case Candidate c -> {
                node.put("sessionId", c.sessionId());
                node.put("candidate", c.candidate());
                node.put("sdpMid", c.sdpMid());
                node.put("sdpMLineIndex", c.sdpMLineIndex());
                node.put("at", c.at().toEpochMilli());
            }
            case Hangup h -> {
                node.put("sessionId", h.sessionId());
                node.put("reason", h.reason().wireName());
                node.put("at", h.at().toEpochMilli());
            }
            case LiveRequest l -> {
                node.put("sessionId", l.sessionId());
                node.put("at", l.at().toEpochMilli());
            }
            case HistoryRequest h -> {
                node.put("requestId", h.requestId());
                node.put("at", h.at().toEpochMilli());
            }
            case HistoryDelete h -> {
                node.put("requestId", h.requestId());
                h.ringIds().forEach(node.putArray("ringIds")::add);
                node.put("at", h.at().toEpochMilli());
            }
            case History h -> {
                node.put("requestId", h.requestId());
                var visits = node.putArray("visits");
                for (Visit v : h.visits()) {
                    var o = visits.addObject();
                    o.put("ringId", v.ringId());
                    o.put("at", v.at().toEpochMilli());
                    o.put("presses", v.presses());
                    o.put("outcome", v.outcome().wireName());
                    v.by().ifPresent(by -> o.put("by", by));
                }
                node.put("at", h.at().toEpochMilli());
            }
            case Snapshot p -> {
                node.put("ringId", p.ringId());
                p.requestId().ifPresent(r -> node.put("requestId", r));
                node.put("takenAt", p.takenAt().toEpochMilli());
                node.put("width", p.width());
                node.put("height", p.height());
                node.put("jpeg", p.jpegBase64());
                node.put("at", p.at().toEpochMilli());
            }
            case DoorOpen d -> {
                node.put("requestId", d.requestId());
                node.put("at", d.at().toEpochMilli());
            }
            case DoorStatus d -> {
                node.put("requestId", d.requestId());
                node.put("state", d.state().wireName());
                d.reason().ifPresent(r -> node.put("reason", r.wireName()));
                node.put("at", d.at().toEpochMilli());
            }
            case Capabilities c -> {
                node.put("door", c.door());
                node.put("motion", c.motion());
                var replies = node.putArray("replies");
                for (QuickReply r : c.replies()) {
                    replies.addObject().put("replyId", r.replyId()).put("label", r.label());
                }
                node.put("at", c.at().toEpochMilli());
            }
            case Motion m -> node.put("at", m.at().toEpochMilli());
            case PresenceRequest r -> node.put("at", r.at().toEpochMilli());
            case DoorOpenings d -> {
                node.put("requestId", d.requestId());
                var openings = node.putArray("openings");
                for (DoorOpenings.Opening o : d.openings()) {
                    openings.addObject().put("at", o.at().toEpochMilli()).put("by", o.by()).put("via", o.via().wireName());
                }
                node.put("at", d.at().toEpochMilli());
            }
            case MotionAlerts m -> {
                node.put("enabled", m.enabled());
                node.put("at", m.at().toEpochMilli());
            }
            case ReplyPlay r -> {
                node.put("requestId", r.requestId());
                node.put("replyId", r.replyId());
                node.put("at", r.at().toEpochMilli());
            }
            case ReplyStatus r -> {
                node.put("requestId", r.requestId());
                node.put("replyId", r.replyId());
                node.put("state", r.state().wireName());
                r.reason().ifPresent(reason -> node.put("reason", reason.wireName()));
                node.put("at", r.at().toEpochMilli());
            }
            case SnapshotRequest r -> {
                node.put("requestId", r.requestId());
                node.put("ringId", r.ringId());
                node.put("at", r.at().toEpochMilli());
            }
            case CallState c -> {
                node.put("sessionId", c.sessionId());
                node.put("state", c.state().wireName());
                node.put("at", c.at().toEpochMilli());
            }
            case PushKey k -> {
                node.put("key", k.key());
                node.put("at", k.at().toEpochMilli());
            }
            case PushSubscribe p -> {
                node.put("endpoint", p.endpoint());
                node.put("p256dh", p.p256dh());
                node.put("auth", p.auth());
                node.put("at", p.at().toEpochMilli());
            }
            case PushUnsubscribe u -> {
                node.put("endpoint", u.endpoint());
                node.put("at", u.at().toEpochMilli());
            }
            case PushStatus p -> {
                node.put("endpoint", p.endpoint());
                node.put("state", p.state().wireName());
                p.reason().ifPresent(r -> node.put("reason", r.wireName()));
                node.put("at", p.at().toEpochMilli());
            }
        }
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message, e);
        }
    }

    public Message decode(byte[] payload) throws ProtocolException {
        if (payload == null) {
            throw new ProtocolException(ErrorCode.MALFORMED, "no payload", null);
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new ProtocolException(ErrorCode.TOO_LARGE, payload.length + " bytes, more than " + MAX_PAYLOAD_BYTES, payload);
        }
        ObjectNode json = parseObject(payload);
        JsonNode v = json.get("v");
        if (v == null) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, "no protocol version 'v'", payload);
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() != PROTOCOL_VERSION) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, "v is " + v + ", this receiver speaks " + PROTOCOL_VERSION, payload);
        }
        JsonNode typeNode = json.get("type");
        if (typeNode == null) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, "no 'type'", payload);
        }
        Optional<MessageType> type = typeNode.isTextual() ? MessageType.fromWireName(typeNode.textValue()) : Optional.empty();
        if (type.isEmpty()) {
            throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "type " + typeNode + " is not a v1 message type", payload);
        }
        List<Field> schema = SCHEMAS.get(type.get());
        Set<String> allowed = new LinkedHashSet<>(List.of("v", "type"));
        schema.forEach(f -> allowed.add(f.name()));
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new ProtocolException(ErrorCode.UNKNOWN_FIELD, "'" + name + "' is not a field of " + type.get().wireName(), payload);
            }
        }
        for (Field field : schema) {
            if (field.required() && !json.has(field.name())) {
                throw new ProtocolException(ErrorCode.MISSING_FIELD, type.get().wireName() + " needs '" + field.name() + "'", payload);
            }
        }
        if (type.get() == MessageType.PUSH_STATUS && json.get("state").isTextual()
                && json.get("state").textValue().equals("refused") && !json.has("reason")) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, "push-status refused needs 'reason'", payload);
        }
        if ((type.get() == MessageType.DOOR_STATUS || type.get() == MessageType.REPLY_STATUS) && json.get("state").isTextual()
                && json.get("state").textValue().equals("refused") && !json.has("reason")) {
            throw new ProtocolException(ErrorCode.MISSING_FIELD, type.get().wireName() + " refused needs 'reason'", payload);
        }
        if (type.get() == MessageType.RING_ENDED && !json.has("by")) {
            JsonNode outcome = json.get("outcome");
            if (outcome.isTextual() && (outcome.textValue().equals("answered") || outcome.textValue().equals("declined"))) {
                throw new ProtocolException(ErrorCode.MISSING_FIELD, "ring-ended with outcome " + outcome + " needs 'by'", payload);
            }
        }
        for (Field field : schema) {
            JsonNode value = json.get(field.name());
            if (value != null) {
                String problem = field.problem(value);
                if (problem != null) {
                    throw new ProtocolException(ErrorCode.INVALID_FIELD, "'" + field.name() + "' " + problem + ", was " + clip(value), payload);
                }
            }
        }
        try {
            return build(type.get(), json);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.INVALID_FIELD, e.getMessage(), payload);
        }
    }

    private ObjectNode parseObject(byte[] payload) throws ProtocolException {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload));
        } catch (CharacterCodingException e) {
            throw new ProtocolException(ErrorCode.MALFORMED, "not UTF-8", payload);
        }
        JsonNode tree;
        try (JsonParser parser = mapper.getFactory().createParser(payload)) {
            tree = mapper.readTree(parser);
            if (parser.nextToken() != null) {
                throw new ProtocolException(ErrorCode.MALFORMED, "text after the JSON value", payload);
            }
        } catch (IOException e) {
            String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new ProtocolException(ErrorCode.MALFORMED, "not JSON: " + reason, payload);
        }
        if (tree == null || !tree.isObject()) {
            throw new ProtocolException(ErrorCode.MALFORMED, "the top level must be a JSON object, was "
                    + (tree == null || tree.isMissingNode() ? "empty" : tree.getNodeType().name().toLowerCase(Locale.ROOT)), payload);
        }
        return (ObjectNode) tree;
    }

    private static Message build(MessageType type, ObjectNode json) {
        String deviceId = json.get("deviceId").textValue();
        return switch (type) {
            case PRESENCE -> new Presence(deviceId, Field.enumOf(Presence.State.class, json.get("state").textValue()),
                    Field.instant(json.get("at")));
            case RING -> new Ring(deviceId, json.get("ringId").textValue(), Field.instant(json.get("at")),
                    Field.instant(json.get("expiresAt")), json.get("presses").intValue());
            case RING_ENDED -> new RingEnded(deviceId, json.get("ringId").textValue(), Field.instant(json.get("at")),
                    Field.enumOf(RingEnded.Outcome.class, json.get("outcome").textValue()),
                    Optional.ofNullable(json.get("by")).map(JsonNode::textValue));
            case RING_ANSWER -> new RingAnswer(deviceId, json.get("ringId").textValue(), Field.instant(json.get("at")));
            case RING_DECLINE -> new RingDecline(deviceId, json.get("ringId").textValue(), Field.instant(json.get("at")));
            case OFFER -> new Offer(deviceId, text(json, "sessionId"), Optional.ofNullable(json.get("ringId")).map(JsonNode::textValue),
                    text(json, "sdp"),
                    Field.instant(json.get("at")), json.has("iceServers") ? Field.iceServers(json.get("iceServers")) : List.of());
            case ANSWER -> new Answer(deviceId, text(json, "sessionId"), text(json, "sdp"), Field.instant(json.get("at")));
            case CANDIDATE -> new Candidate(deviceId, text(json, "sessionId"), text(json, "candidate"), text(json, "sdpMid"),
                    json.get("sdpMLineIndex").intValue(), Field.instant(json.get("at")));
            case HANGUP -> new Hangup(deviceId, text(json, "sessionId"), Field.enumOf(Hangup.Reason.class, text(json, "reason")),
                    Field.instant(json.get("at")));
            case CALL_STATE -> new CallState(deviceId, text(json, "sessionId"),
                    Field.enumOf(CallState.State.class, text(json, "state")), Field.instant(json.get("at")));
            case LIVE_REQUEST -> new LiveRequest(deviceId, text(json, "sessionId"), Field.instant(json.get("at")));
            case HISTORY_REQUEST -> new HistoryRequest(deviceId, text(json, "requestId"), Field.instant(json.get("at")));
            case HISTORY_DELETE -> new HistoryDelete(deviceId, text(json, "requestId"), Field.ids(json.get("ringIds")),
                    Field.instant(json.get("at")));
            case HISTORY -> new History(deviceId, text(json, "requestId"), Field.visits(json.get("visits")), Field.instant(json.get("at")));
            case SNAPSHOT -> new Snapshot(deviceId, text(json, "ringId"), Optional.ofNullable(json.get("requestId")).map(JsonNode::textValue),
                    Field.instant(json.get("takenAt")), json.get("width").intValue(), json.get("height").intValue(),
                    Field.jpeg(json.get("jpeg")), Field.instant(json.get("at")));
            case SNAPSHOT_REQUEST -> new SnapshotRequest(deviceId, text(json, "requestId"), text(json, "ringId"),
                    Field.instant(json.get("at")));
            case DOOR_OPEN -> new DoorOpen(deviceId, text(json, "requestId"), Field.instant(json.get("at")));
            case DOOR_STATUS -> new DoorStatus(deviceId, text(json, "requestId"), Field.enumOf(DoorStatus.State.class, text(json, "state")),
                    Optional.ofNullable(json.get("reason")).map(r -> Field.enumOf(DoorStatus.Reason.class, r.textValue())),
                    Field.instant(json.get("at")));
            case CAPABILITIES -> new Capabilities(deviceId, json.get("door").booleanValue(), json.get("motion").booleanValue(),
                    Field.replies(json.get("replies")), Field.instant(json.get("at")));
            case DOOR_OPENINGS -> new DoorOpenings(deviceId, text(json, "requestId"), Field.openings(json.get("openings")),
                    Field.instant(json.get("at")));
            case MOTION -> new Motion(deviceId, Field.instant(json.get("at")));
            case PRESENCE_REQUEST -> new PresenceRequest(deviceId, Field.instant(json.get("at")));
            case MOTION_ALERTS -> new MotionAlerts(deviceId, json.get("enabled").booleanValue(), Field.instant(json.get("at")));
            case REPLY_PLAY -> new ReplyPlay(deviceId, text(json, "requestId"), text(json, "replyId"), Field.instant(json.get("at")));
            case REPLY_STATUS -> new ReplyStatus(deviceId, text(json, "requestId"), text(json, "replyId"),
                    Field.enumOf(ReplyStatus.State.class, text(json, "state")),
                    Optional.ofNullable(json.get("reason")).map(r -> Field.enumOf(ReplyStatus.Reason.class, r.textValue())),
                    Field.instant(json.get("at")));
            case PUSH_KEY -> new PushKey(deviceId, text(json, "key"), Field.instant(json.get("at")));
            case PUSH_SUBSCRIBE -> new PushSubscribe(deviceId, text(json, "endpoint"), text(json, "p256dh"), text(json, "auth"),
                    Field.instant(json.get("at")));
            case PUSH_UNSUBSCRIBE -> new PushUnsubscribe(deviceId, text(json, "endpoint"), Field.instant(json.get("at")));
            case PUSH_STATUS -> new PushStatus(deviceId, text(json, "endpoint"),
                    Field.enumOf(PushStatus.State.class, text(json, "state")),
                    Optional.ofNullable(json.get("reason")).map(r -> Field.enumOf(PushStatus.Reason.class, r.textValue())),
                    Field.instant(json.get("at")));
        };
    }

    private static String text(ObjectNode json, String field) {
        return json.get(field).textValue();
    }

    private static String clip(JsonNode value) {
        String text = value.toString();
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
