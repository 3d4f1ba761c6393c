package org.openbell.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** One field of a message schema and the check of its JSON value (rule 9 of docs/protocol.md). */
record Field(String name, Kind kind, boolean required, List<String> choices) {

    enum Kind { ID, TIME, POSITIVE_INT, CHOICE, SDP, TOKEN, LINE, INDEX, ICE_SERVERS, ENDPOINT, P256_KEY, AUTH_SECRET, VISITS, IDS, DIMENSION, JPEG, FLAG, REPLIES, OPENINGS }

    static Field id(String name) {
        return new Field(name, Kind.ID, true, List.of());
    }

    static Field optionalId(String name) {
        return new Field(name, Kind.ID, false, List.of());
    }

    static Field time(String name) {
        return new Field(name, Kind.TIME, true, List.of());
    }

    static Field positiveInt(String name) {
        return new Field(name, Kind.POSITIVE_INT, true, List.of());
    }

    static Field sdp(String name) {
        return new Field(name, Kind.SDP, true, List.of());
    }

    static Field token(String name) {
        return new Field(name, Kind.TOKEN, true, List.of());
    }

    static Field line(String name) {
        return new Field(name, Kind.LINE, true, List.of());
    }

    static Field index(String name) {
        return new Field(name, Kind.INDEX, true, List.of());
    }

    static Field optionalIceServers(String name) {
        return new Field(name, Kind.ICE_SERVERS, false, List.of());
    }

    static Field endpoint(String name) {
        return new Field(name, Kind.ENDPOINT, true, List.of());
    }

    static Field p256Key(String name) {
        return new Field(name, Kind.P256_KEY, true, List.of());
    }

    static Field authSecret(String name) {
        return new Field(name, Kind.AUTH_SECRET, true, List.of());
    }

    static Field visits(String name) {
        return new Field(name, Kind.VISITS, true, List.of());
    }

    static Field ids(String name) {
        return new Field(name, Kind.IDS, true, List.of());
    }

    static Field dimension(String name) {
        return new Field(name, Kind.DIMENSION, true, List.of());
    }

    static Field jpeg(String name) {
        return new Field(name, Kind.JPEG, true, List.of());
    }

    static Field flag(String name) {
        return new Field(name, Kind.FLAG, true, List.of());
    }

    static Field openings(String name) {
        return new Field(name, Kind.OPENINGS, true, List.of());
    }

    static Field replies(String name) {
        return new Field(name, Kind.REPLIES, true, List.of());
    }

    static Field optionalChoice(String name, List<String> choices) {
        return new Field(name, Kind.CHOICE, false, List.copyOf(choices));
    }

    static Field choice(String name, List<String> choices) {
        return new Field(name, Kind.CHOICE, true, List.copyOf(choices));
    }

    /** Null when the value is acceptable, else what is wrong with it. */
    String problem(JsonNode value) {
        return switch (kind) {
            case ID -> value.isTextual() && Ids.isValid(value.textValue()) ? null
                    : "must be an id matching " + Ids.PATTERN.pattern();
            case TIME -> value.isIntegralNumber() && value.canConvertToLong() && value.longValue() >= 0 ? null
                    : "must be milliseconds since the epoch (an integer >= 0)";
            case POSITIVE_INT -> value.isIntegralNumber() && value.canConvertToInt() && value.intValue() >= 1 ? null
                    : "must be an integer >= 1";
            case CHOICE -> value.isTextual() && choices.contains(value.textValue()) ? null
                    : "must be one of " + choices;
            case SDP -> value.isTextual() && Sdp.isValid(value.textValue()) ? null
                    : "must be an SDP text starting with v=0, at most " + Sdp.MAX_CHARS + " characters";
            case TOKEN -> value.isTextual() && Sdp.isToken(value.textValue()) ? null
                    : "must be 1-64 printable characters without spaces";
            case LINE -> value.isTextual() && Sdp.isCandidateLine(value.textValue()) ? null
                    : "must be an ICE candidate line (candidate:...), at most " + Sdp.MAX_CANDIDATE_CHARS + " characters";
            case INDEX -> value.isIntegralNumber() && value.canConvertToInt() && value.intValue() >= 0 && value.intValue() <= 255 ? null
                    : "must be an integer from 0 to 255";
            case ENDPOINT -> value.isTextual() && PushFormats.isEndpoint(value.textValue()) ? null
                    : "must be an https URL (host name, optional port and path, printable, no user info), at most "
                    + PushFormats.MAX_ENDPOINT_CHARS + " characters";
            case P256_KEY -> value.isTextual() && PushFormats.isP256Key(value.textValue()) ? null
                    : "must be a P-256 public key: 87 base64url characters (no padding) starting with B";
            case AUTH_SECRET -> value.isTextual() && PushFormats.isAuthSecret(value.textValue()) ? null
                    : "must be 16 bytes in base64url: 22 characters, no padding";
            case VISITS -> visits(value) != null ? null
                    : "must be 0-" + History.MAX_VISITS + " objects {ringId, at, presses, outcome, by?} (by exactly when answered or declined)";
            case IDS -> ids(value) != null ? null
                    : "must be 1-" + HistoryDelete.MAX_IDS + " ids matching " + Ids.PATTERN.pattern();
            case DIMENSION -> value.isIntegralNumber() && value.canConvertToInt() && value.intValue() >= 1
                    && value.intValue() <= Snapshot.MAX_DIMENSION ? null : "must be an integer from 1 to " + Snapshot.MAX_DIMENSION;
            case JPEG -> jpeg(value) != null ? null
                    : "must be a JPEG (FF D8 ... FF D9) of at most " + Snapshot.MAX_JPEG_BYTES + " bytes in base64 (RFC 4648, padded)";
            case OPENINGS -> openings(value) != null ? null
                    : "must be 0-" + DoorOpenings.MAX_OPENINGS + " objects {at, by, via} (by an id, via app or home-assistant)";
            case FLAG -> value.isBoolean() ? null : "must be true or false";
            case REPLIES -> replies(value) != null ? null
                    : "must be 0-" + Capabilities.MAX_REPLIES + " objects {replyId, label} with different ids (label: 1-"
                    + QuickReply.MAX_LABEL + " characters, not blank, no control characters)";
            case ICE_SERVERS -> iceServers(value) != null ? null
                    : "must be 1-" + IceServer.MAX_SERVERS + " objects {urls: [1-" + IceServer.MAX_URLS
                    + " stun:/turn:/turns: URLs], username?, credential?} (printable, at most 256 characters)";
        };
    }

    /** The servers {@code value} holds, or null if it is not a valid iceServers array. */
    static List<IceServer> iceServers(JsonNode value) {
        if (!value.isArray() || value.isEmpty() || value.size() > IceServer.MAX_SERVERS) {
            return null;
        }
        List<IceServer> servers = new java.util.ArrayList<>();
        for (JsonNode server : value) {
            if (!server.isObject()) {
                return null;
            }
            for (java.util.Iterator<String> names = server.fieldNames(); names.hasNext();) {
                if (!List.of("urls", "username", "credential").contains(names.next())) {
                    return null;
                }
            }
            JsonNode urls = server.get("urls");
            if (urls == null || !urls.isArray()) {
                return null;
            }
            List<String> list = new java.util.ArrayList<>();
            for (JsonNode url : urls) {
                if (!url.isTextual()) {
                    return null;
                }
                list.add(url.textValue());
            }
            JsonNode username = server.get("username");
            JsonNode credential = server.get("credential");
            if (username != null && !username.isTextual() || credential != null && !credential.isTextual()) {
                return null;
            }
            try {
                servers.add(new IceServer(list, java.util.Optional.ofNullable(username).map(JsonNode::textValue),
                        java.util.Optional.ofNullable(credential).map(JsonNode::textValue)));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return servers;
    }

    /** The visits {@code value} holds, or null if it is not a valid visits array. */
    static List<Visit> visits(JsonNode value) {
        if (!value.isArray() || value.size() > History.MAX_VISITS) {
            return null;
        }
        List<Visit> visits = new java.util.ArrayList<>();
        for (JsonNode v : value) {
            if (!v.isObject()) {
                return null;
            }
            for (java.util.Iterator<String> names = v.fieldNames(); names.hasNext();) {
                if (!List.of("ringId", "at", "presses", "outcome", "by").contains(names.next())) {
                    return null;
                }
            }
            JsonNode ringId = v.get("ringId");
            JsonNode at = v.get("at");
            JsonNode presses = v.get("presses");
            JsonNode outcome = v.get("outcome");
            JsonNode by = v.get("by");
            if (ringId == null || id("ringId").problem(ringId) != null || at == null || time("at").problem(at) != null
                    || presses == null || positiveInt("presses").problem(presses) != null || outcome == null || !outcome.isTextual()
                    || by != null && id("by").problem(by) != null) {
                return null;
            }
            var parsed = WireEnum.parse(RingEnded.Outcome.class, outcome.textValue());
            if (parsed.isEmpty()) {
                return null;
            }
            try {
                visits.add(new Visit(ringId.textValue(), instant(at), presses.intValue(), parsed.get(),
                        java.util.Optional.ofNullable(by).map(JsonNode::textValue)));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return visits;
    }

    /** The openings {@code value} holds, or null if it is not a valid openings array. */
    static List<DoorOpenings.Opening> openings(JsonNode value) {
        if (!value.isArray() || value.size() > DoorOpenings.MAX_OPENINGS) {
            return null;
        }
        List<DoorOpenings.Opening> openings = new java.util.ArrayList<>();
        for (JsonNode o : value) {
            if (!o.isObject() || o.size() != 3) {
                return null;
            }
            JsonNode at = o.get("at");
            JsonNode by = o.get("by");
            JsonNode via = o.get("via");
            if (at == null || time("at").problem(at) != null || by == null || id("by").problem(by) != null || via == null
                    || !via.isTextual()) {
                return null;
            }
            var parsed = WireEnum.parse(DoorOpenings.Via.class, via.textValue());
            if (parsed.isEmpty()) {
                return null;
            }
            openings.add(new DoorOpenings.Opening(instant(at), by.textValue(), parsed.get()));
        }
        return openings;
    }

    /** The replies {@code value} holds, or null if it is not a valid replies array. */
    static List<QuickReply> replies(JsonNode value) {
        if (!value.isArray() || value.size() > Capabilities.MAX_REPLIES) {
            return null;
        }
        List<QuickReply> replies = new java.util.ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (JsonNode r : value) {
            if (!r.isObject() || r.size() != 2) {
                return null;
            }
            JsonNode replyId = r.get("replyId");
            JsonNode label = r.get("label");
            if (replyId == null || !replyId.isTextual() || !Ids.isValid(replyId.textValue()) || label == null || !label.isTextual()
                    || !QuickReply.isLabel(label.textValue()) || !seen.add(replyId.textValue())) {
                return null;
            }
            replies.add(new QuickReply(replyId.textValue(), label.textValue()));
        }
        return replies;
    }

    /** The ids {@code value} holds, or null if it is not a valid non-empty id array. */
    static List<String> ids(JsonNode value) {
        if (!value.isArray() || value.isEmpty() || value.size() > HistoryDelete.MAX_IDS) {
            return null;
        }
        List<String> ids = new java.util.ArrayList<>();
        for (JsonNode id : value) {
            if (!id.isTextual() || !Ids.isValid(id.textValue())) {
                return null;
            }
            ids.add(id.textValue());
        }
        return ids;
    }

    private static final java.util.regex.Pattern BASE64 = java.util.regex.Pattern.compile("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");

    /** The JPEG {@code value} holds in base64, or null if it is not one (strict base64: padded, no line breaks). */
    static byte[] jpeg(JsonNode value) {
        if (!value.isTextual() || value.textValue().length() > (Snapshot.MAX_JPEG_BYTES + 2) / 3 * 4
                || !BASE64.matcher(value.textValue()).matches()) {
            return null;
        }
        byte[] bytes = java.util.Base64.getDecoder().decode(value.textValue());
        return Snapshot.isJpeg(bytes) ? bytes : null;
    }

    static Instant instant(JsonNode node) {
        return Instant.ofEpochMilli(node.longValue());
    }

    static <E extends Enum<E> & WireEnum> E enumOf(Class<E> type, String wire) {
        return WireEnum.parse(type, wire).orElseThrow(() -> new IllegalArgumentException("unknown value " + wire));
    }
}
