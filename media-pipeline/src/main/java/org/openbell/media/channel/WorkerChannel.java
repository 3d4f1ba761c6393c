package org.openbell.media.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.openbell.media.channel.WorkerEvent.CallEnded;
import org.openbell.media.channel.WorkerEvent.CandidateFound;
import org.openbell.media.channel.WorkerEvent.MediaStateChanged;
import org.openbell.media.channel.WorkerEvent.OfferMade;
import org.openbell.media.channel.WorkerEvent.Problem;
import org.openbell.media.channel.WorkerEvent.Ready;
import org.openbell.media.channel.WorkerEvent.SnapshotTaken;
import org.openbell.media.channel.WorkerEvent.Stats;
import org.openbell.media.channel.WorkerRequest.AddCandidate;
import org.openbell.media.channel.WorkerRequest.ApplyAnswer;
import org.openbell.media.channel.WorkerRequest.EndCall;
import org.openbell.media.channel.WorkerRequest.Exit;
import org.openbell.media.channel.WorkerRequest.GetStats;
import org.openbell.media.channel.WorkerRequest.StartCall;
import org.openbell.media.channel.WorkerRequest.TakeSnapshot;

/**
 * The one codec of the agent-worker channel, used by both processes: each request or event is one
 * JSON object on one line, named by {@code op} (requests) or {@code ev} (events). Decoding is
 * strict: an unknown name, a missing, extra or mistyped field, or a line over {@link #MAX_LINE}
 * characters is a {@link WorkerChannelException}, never a half-read message.
 */
public final class WorkerChannel {

    /** The longest line either side writes or reads (an SDP is ~5-10 KB, a stats event ~2 KB). */
    public static final int MAX_LINE = 256 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private WorkerChannel() {
    }

    // ---- requests

    public static String encode(WorkerRequest request) {
        ObjectNode line = JSON.createObjectNode();
        switch (request) {
            case StartCall r -> {
                line.put("op", "call").put("session", r.session());
                ArrayNode servers = line.putArray("iceServers");
                for (WorkerIceServer server : r.iceServers()) {
                    ObjectNode s = servers.addObject();
                    server.urls().forEach(s.putArray("urls")::add);
                    server.username().ifPresent(u -> s.put("username", u));
                    server.credential().ifPresent(c -> s.put("credential", c));
                }
            }
            case ApplyAnswer r -> line.put("op", "answer").put("session", r.session()).put("sdp", r.sdp());
            case AddCandidate r -> candidate(line.put("op", "candidate").put("session", r.session()), r.candidate());
            case GetStats r -> line.put("op", "stats").put("session", r.session());
            case EndCall r -> line.put("op", "hangup").put("session", r.session()).put("reason", r.reason().wire());
            case TakeSnapshot r -> line.put("op", "snapshot").put("ringId", r.ringId()).put("holdMs", r.holdMs());
            case Exit r -> line.put("op", "exit");
        }
        return line.toString();
    }

    public static WorkerRequest decodeRequest(String line) {
        ObjectNode o = parse(line);
        String op = text(o, "op");
        try {
            return switch (op) {
                case "call" -> {
                    only(o, "op", "session", "iceServers");
                    List<WorkerIceServer> servers = new ArrayList<>();
                    for (JsonNode s : array(o, "iceServers")) {
                        if (!(s instanceof ObjectNode server)) {
                            throw new WorkerChannelException("iceServers holds a non-object");
                        }
                        only(server, "urls", "username", "credential");
                        List<String> urls = new ArrayList<>();
                        for (JsonNode u : array(server, "urls")) {
                            if (!u.isTextual()) {
                                throw new WorkerChannelException("iceServers urls holds a non-string");
                            }
                            urls.add(u.asText());
                        }
                        servers.add(new WorkerIceServer(urls, optionalText(server, "username"), optionalText(server, "credential")));
                    }
                    yield new StartCall(text(o, "session"), servers);
                }
                case "answer" -> {
                    only(o, "op", "session", "sdp");
                    yield new ApplyAnswer(text(o, "session"), text(o, "sdp"));
                }
                case "candidate" -> {
                    only(o, "op", "session", "candidate", "sdpMid", "sdpMLineIndex");
                    yield new AddCandidate(text(o, "session"), candidate(o));
                }
                case "stats" -> {
                    only(o, "op", "session");
                    yield new GetStats(text(o, "session"));
                }
                case "hangup" -> {
                    only(o, "op", "session", "reason");
                    yield new EndCall(text(o, "session"), EndReason.fromWire(text(o, "reason")));
                }
                case "snapshot" -> {
                    only(o, "op", "ringId", "holdMs");
                    yield new TakeSnapshot(text(o, "ringId"), number(o, "holdMs"));
                }
                case "exit" -> {
                    only(o, "op");
                    yield new Exit();
                }
                default -> throw new WorkerChannelException("unknown request op '" + Checks.quoted(op) + "'");
            };
        } catch (WorkerChannelException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new WorkerChannelException("bad '" + Checks.quoted(op) + "' request: " + e.getMessage(), e);
        }
    }

    // ---- events

    public static String encode(WorkerEvent event) {
        ObjectNode line = JSON.createObjectNode();
        switch (event) {
            case Ready e -> line.put("ev", "ready").put("pid", e.pid()).put("warmupMs", e.warmupMs()).put("speakerMs", e.speakerMs());
            case OfferMade e -> line.put("ev", "offer").put("session", e.session()).put("sdp", e.sdp());
            case CandidateFound e -> candidate(line.put("ev", "candidate").put("session", e.session()), e.candidate());
            case MediaStateChanged e -> line.put("ev", "state").put("session", e.session()).put("state", e.state().wire());
            case Stats e -> line.put("ev", "stats").put("session", e.session()).set("figures", e.figures());
            case CallEnded e -> line.put("ev", "ended").put("session", e.session()).put("reason", e.reason().wire());
            case SnapshotTaken e -> {
                line.put("ev", "snapshot").put("ringId", e.ringId());
                line.set("picture", image(e.picture()));
                e.thumbnail().ifPresent(t -> line.set("thumbnail", image(t)));
                line.put("cameraMs", e.cameraMs()).put("encodeMs", e.encodeMs());
            }
            case Problem e -> {
                line.put("ev", "error");
                e.session().ifPresent(s -> line.put("session", s));
                line.put("message", e.message());
            }
        }
        return line.toString();
    }

    public static WorkerEvent decodeEvent(String line) {
        ObjectNode o = parse(line);
        String ev = text(o, "ev");
        try {
            return switch (ev) {
                case "ready" -> {
                    only(o, "ev", "pid", "warmupMs", "speakerMs");
                    yield new Ready(number(o, "pid"), number(o, "warmupMs"), number(o, "speakerMs"));
                }
                case "offer" -> {
                    only(o, "ev", "session", "sdp");
                    yield new OfferMade(text(o, "session"), text(o, "sdp"));
                }
                case "candidate" -> {
                    only(o, "ev", "session", "candidate", "sdpMid", "sdpMLineIndex");
                    yield new CandidateFound(text(o, "session"), candidate(o));
                }
                case "state" -> {
                    only(o, "ev", "session", "state");
                    yield new MediaStateChanged(text(o, "session"), MediaState.fromWire(text(o, "state")));
                }
                case "stats" -> {
                    only(o, "ev", "session", "figures");
                    if (!(o.get("figures") instanceof ObjectNode figures)) {
                        throw new WorkerChannelException("figures must be an object");
                    }
                    yield new Stats(text(o, "session"), figures);
                }
                case "ended" -> {
                    only(o, "ev", "session", "reason");
                    yield new CallEnded(text(o, "session"), EndReason.fromWire(text(o, "reason")));
                }
                case "snapshot" -> {
                    only(o, "ev", "ringId", "picture", "thumbnail", "cameraMs", "encodeMs");
                    yield new SnapshotTaken(text(o, "ringId"), image(o, "picture"),
                            o.has("thumbnail") ? Optional.of(image(o, "thumbnail")) : Optional.empty(),
                            number(o, "cameraMs"), number(o, "encodeMs"));
                }
                case "error" -> {
                    only(o, "ev", "session", "message");
                    yield new Problem(optionalText(o, "session"), text(o, "message"));
                }
                default -> throw new WorkerChannelException("unknown event ev '" + Checks.quoted(ev) + "'");
            };
        } catch (WorkerChannelException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new WorkerChannelException("bad '" + Checks.quoted(ev) + "' event: " + e.getMessage(), e);
        }
    }

    // ---- fields

    private static void candidate(ObjectNode line, WorkerCandidate c) {
        line.put("candidate", c.candidate()).put("sdpMid", c.sdpMid()).put("sdpMLineIndex", c.sdpMLineIndex());
    }

    private static WorkerCandidate candidate(ObjectNode o) {
        long index = number(o, "sdpMLineIndex");
        if (index < 0 || index > Integer.MAX_VALUE) {
            throw new WorkerChannelException("sdpMLineIndex out of range: " + index);
        }
        return new WorkerCandidate(text(o, "candidate"), text(o, "sdpMid"), (int) index);
    }

    private static ObjectNode image(JpegImage image) {
        return JSON.createObjectNode().put("width", image.width()).put("height", image.height())
                .put("jpeg", java.util.Base64.getEncoder().encodeToString(image.bytes()));
    }

    private static JpegImage image(ObjectNode o, String name) {
        if (!(o.get(name) instanceof ObjectNode image)) {
            throw new WorkerChannelException("'" + name + "' must be an object");
        }
        only(image, "width", "height", "jpeg");
        long width = number(image, "width");
        long height = number(image, "height");
        if (width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new WorkerChannelException("'" + name + "' is too large");
        }
        byte[] bytes;
        try {
            bytes = java.util.Base64.getDecoder().decode(text(image, "jpeg"));
        } catch (IllegalArgumentException e) {
            throw new WorkerChannelException("'" + name + "' jpeg is not base64");
        }
        return new JpegImage((int) width, (int) height, bytes);
    }

    private static ObjectNode parse(String line) {
        if (line == null) {
            throw new WorkerChannelException("no line");
        }
        if (line.length() > MAX_LINE) {
            throw new WorkerChannelException("a line of " + line.length() + " characters (at most " + MAX_LINE + ")");
        }
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new WorkerChannelException("not JSON: " + Checks.quoted(line), e);
        }
        if (!(node instanceof ObjectNode o)) {
            throw new WorkerChannelException("not a JSON object: " + Checks.quoted(line));
        }
        return o;
    }

    private static void only(ObjectNode o, String... allowed) {
        Set<String> names = Set.of(allowed);
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!names.contains(name)) {
                throw new WorkerChannelException("unexpected field '" + Checks.quoted(name) + "'");
            }
        }
    }

    private static String text(ObjectNode o, String name) {
        JsonNode v = o.get(name);
        if (v == null || !v.isTextual()) {
            throw new WorkerChannelException("'" + name + "' must be a string");
        }
        return v.asText();
    }

    private static Optional<String> optionalText(ObjectNode o, String name) {
        return o.has(name) ? Optional.of(text(o, name)) : Optional.empty();
    }

    private static long number(ObjectNode o, String name) {
        JsonNode v = o.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new WorkerChannelException("'" + name + "' must be an integer");
        }
        return v.asLong();
    }

    private static ArrayNode array(ObjectNode o, String name) {
        if (!(o.get(name) instanceof ArrayNode a)) {
            throw new WorkerChannelException("'" + name + "' must be an array");
        }
        return a;
    }
}
