package org.openbell.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The shared test vectors (mqtt-signaling/test-vectors/v1.json), also decoded by the browser app's tests. */
class TestVectorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path VECTORS = Path.of("test-vectors", "v1.json");
    private final MessageCodec codec = new MessageCodec();

    static JsonNode vectors() throws Exception {
        assertTrue(Files.exists(VECTORS), "missing " + VECTORS.toAbsolutePath());
        return JSON.readTree(Files.readAllBytes(VECTORS));
    }

    static Stream<Arguments> valid() throws Exception {
        List<Arguments> cases = new ArrayList<>();
        vectors().get("valid").forEach(v -> cases.add(Arguments.of(v.get("name").asText(), v.get("payload"))));
        return cases.stream();
    }

    static Stream<Arguments> invalid() throws Exception {
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode v : vectors().get("invalid")) {
            byte[] payload;
            if (v.has("raw")) {
                StringBuilder raw = new StringBuilder(v.get("raw").asText());
                if (v.has("padTo")) {
                    raw.append("x".repeat(v.get("padTo").asInt() - raw.toString().getBytes(StandardCharsets.UTF_8).length));
                }
                payload = raw.toString().getBytes(StandardCharsets.UTF_8);
            } else {
                payload = JSON.writeValueAsBytes(v.get("payload"));
            }
            cases.add(Arguments.of(v.get("name").asText(), payload, v.get("error").asText()));
        }
        return cases.stream();
    }

    @Test
    void theVectorFileHasCasesOfBothKinds() throws Exception {
        JsonNode all = vectors();
        assertTrue(all.get("valid").size() >= 5);
        assertTrue(all.get("invalid").size() >= 20);
        assertEquals(MessageCodec.MAX_PAYLOAD_BYTES, all.get("maxPayloadBytes").asInt());
    }

    @ParameterizedTest(name = "valid: {0}")
    @MethodSource("valid")
    void validVectorsDecodeAndReEncodeToTheSameJson(String name, JsonNode payload) throws Exception {
        Message decoded = codec.decode(JSON.writeValueAsBytes(payload));
        byte[] encoded = codec.encode(decoded);
        assertEquals(payload, JSON.readTree(encoded), name);
        assertEquals(decoded, codec.decode(encoded), name);
        assertEquals(payload.get("type").asText(), decoded.type().wireName());
    }

    @ParameterizedTest(name = "invalid: {0} -> {2}")
    @MethodSource("invalid")
    void invalidVectorsAreRejectedWithTheirCode(String name, byte[] payload, String error) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode(payload), name);
        assertEquals(error, e.code().wireName(), name + ": " + e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void theVocabularyIsTheVectorsOne() throws Exception {
        JsonNode vocabulary = vectors().get("vocabulary");
        assertEquals(MessageType.values().length, vocabulary.size(), "one entry per type");
        for (MessageType type : MessageType.values()) {
            JsonNode entry = vocabulary.get(type.wireName());
            org.junit.jupiter.api.Assertions.assertNotNull(entry, type.wireName());
            assertEquals(type.concern().wireName(), entry.get("concern").asText(), type.wireName());
            java.util.Set<String> senders = new java.util.TreeSet<>();
            entry.get("senders").forEach(sender -> senders.add(sender.asText()));
            assertEquals(new java.util.TreeSet<>(type.senders().stream().map(MessageType.Sender::wireName).toList()), senders,
                    type.wireName());
        }
    }

    @Test
    void everyCallTypeIsACallMessageAndNoOtherIs() {
        java.util.Map<MessageType, Class<?>> classes = java.util.Map.ofEntries(
                java.util.Map.entry(MessageType.PRESENCE, Presence.class), java.util.Map.entry(MessageType.RING, Ring.class),
                java.util.Map.entry(MessageType.RING_ENDED, RingEnded.class), java.util.Map.entry(MessageType.RING_ANSWER, RingAnswer.class),
                java.util.Map.entry(MessageType.RING_DECLINE, RingDecline.class), java.util.Map.entry(MessageType.OFFER, Offer.class),
                java.util.Map.entry(MessageType.ANSWER, Answer.class), java.util.Map.entry(MessageType.CANDIDATE, Candidate.class),
                java.util.Map.entry(MessageType.HANGUP, Hangup.class), java.util.Map.entry(MessageType.CALL_STATE, CallState.class),
                java.util.Map.entry(MessageType.LIVE_REQUEST, LiveRequest.class),
                java.util.Map.entry(MessageType.HISTORY_REQUEST, HistoryRequest.class),
                java.util.Map.entry(MessageType.HISTORY_DELETE, HistoryDelete.class), java.util.Map.entry(MessageType.HISTORY, History.class),
                java.util.Map.entry(MessageType.PUSH_KEY, PushKey.class), java.util.Map.entry(MessageType.PUSH_SUBSCRIBE, PushSubscribe.class),
                java.util.Map.entry(MessageType.PUSH_UNSUBSCRIBE, PushUnsubscribe.class),
                java.util.Map.entry(MessageType.PUSH_STATUS, PushStatus.class),
                java.util.Map.entry(MessageType.SNAPSHOT, Snapshot.class),
                java.util.Map.entry(MessageType.SNAPSHOT_REQUEST, SnapshotRequest.class),
                java.util.Map.entry(MessageType.DOOR_OPEN, DoorOpen.class), java.util.Map.entry(MessageType.DOOR_STATUS, DoorStatus.class),
                java.util.Map.entry(MessageType.CAPABILITIES, Capabilities.class), java.util.Map.entry(MessageType.REPLY_PLAY, ReplyPlay.class),
                java.util.Map.entry(MessageType.REPLY_STATUS, ReplyStatus.class), java.util.Map.entry(MessageType.MOTION, Motion.class),
                java.util.Map.entry(MessageType.MOTION_ALERTS, MotionAlerts.class),
                java.util.Map.entry(MessageType.DOOR_OPENINGS, DoorOpenings.class),
                java.util.Map.entry(MessageType.PRESENCE_REQUEST, PresenceRequest.class));
        assertEquals(MessageType.values().length, classes.size());
        classes.forEach((type, type2) -> assertEquals(type.concern() == MessageType.Concern.CALL,
                CallMessage.class.isAssignableFrom(type2), type + ": a call's messages, and only they, are CallMessages"));
    }

    /** docs/protocol.md's vocabulary table ("Messages") names every type, its concern and senders, as the code does. */
    @Test
    void theProtocolDocumentsVocabularyIsTheCodes() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "docs", "protocol.md"));
        int header = lines.indexOf("| type | concern | senders |");
        assertTrue(header > 0, "the vocabulary table in docs/protocol.md");
        java.util.Map<String, String> documented = new java.util.TreeMap<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] cells = lines.get(i).split("\\|");
            String concern = cells[2].strip();
            String senders = cells[3].strip();
            for (String type : cells[1].split(",")) {
                documented.put(type.strip().replace("`", ""), concern + " / " + senders);
            }
        }
        java.util.Map<String, String> code = new java.util.TreeMap<>();
        for (MessageType type : MessageType.values()) {
            code.put(type.wireName(), type.concern().wireName() + " / "
                    + String.join(", ", type.senders().stream().map(MessageType.Sender::wireName).sorted().toList()));
        }
        assertEquals(code, documented);
    }
}
