package org.openbell.media.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The agent-worker channel's codec: every request and event round trips; anything else is refused with a reason. */
class WorkerChannelTest {

    private static final String SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private static final WorkerCandidate CANDIDATE =
            new WorkerCandidate("candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host", "0", 0);

    /** The smallest shape the channel takes for a JPEG: start and end markers. */
    private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, 1, 2, 3, (byte) 0xff, (byte) 0xd9};

    static List<WorkerRequest> everyRequest() {
        return List.of(
                new WorkerRequest.StartCall("s1", List.of()),
                new WorkerRequest.StartCall("s1", List.of(
                        new WorkerIceServer(List.of("stun:stun.example:3478"), Optional.empty(), Optional.empty()),
                        new WorkerIceServer(List.of("turn:t.example:3478?transport=udp", "turns:t.example:5349"),
                                Optional.of("1700000000:front-door"), Optional.of("c2VjcmV0")))),
                new WorkerRequest.ApplyAnswer("s1", SDP),
                new WorkerRequest.AddCandidate("s1", CANDIDATE),
                new WorkerRequest.GetStats("s1"),
                new WorkerRequest.EndCall("s1", EndReason.NORMAL),
                new WorkerRequest.EndCall("s1", EndReason.TIMEOUT),
                new WorkerRequest.EndCall("s1", EndReason.MEDIA_FAILED),
                new WorkerRequest.TakeSnapshot("r1", 30_000),
                new WorkerRequest.TakeSnapshot("r1", 0),
                new WorkerRequest.Exit());
    }

    static List<WorkerEvent> everyEvent() {
        ObjectNode figures = JsonNodeFactory.instance.objectNode().put("videoFramesEncoded", 42).put("camera", "synthetic 640x480@30");
        figures.putArray("audioInOnsets").add(1700000000123L);
        return List.of(
                new WorkerEvent.Ready(4242, 1800, 1500),
                new WorkerEvent.OfferMade("s1", SDP),
                new WorkerEvent.CandidateFound("s1", CANDIDATE),
                new WorkerEvent.MediaStateChanged("s1", MediaState.CONNECTED),
                new WorkerEvent.MediaStateChanged("s1", MediaState.DISCONNECTED),
                new WorkerEvent.Stats("s1", figures),
                new WorkerEvent.CallEnded("s1", EndReason.MEDIA_FAILED),
                new WorkerEvent.Problem(Optional.of("s1"), "camera failed: the camera stream ended"),
                new WorkerEvent.SnapshotTaken("r1", new JpegImage(640, 480, JPEG), Optional.of(new JpegImage(160, 120, JPEG)), 120, 35),
                new WorkerEvent.SnapshotTaken("r1", new JpegImage(640, 480, JPEG), Optional.empty(), 0, 0),
                new WorkerEvent.Problem(Optional.empty(), "bad worker options: --fps 0"));
    }

    @Test
    void everyRequestRoundTripsOnOneLine() {
        for (WorkerRequest request : everyRequest()) {
            String line = WorkerChannel.encode(request);
            assertFalse(line.contains("\n") || line.contains("\r"), "one line: " + line);
            assertEquals(request, WorkerChannel.decodeRequest(line));
        }
    }

    @Test
    void everyEventRoundTripsOnOneLine() {
        for (WorkerEvent event : everyEvent()) {
            String line = WorkerChannel.encode(event);
            assertFalse(line.contains("\n") || line.contains("\r"), "one line: " + line);
            assertEquals(event, WorkerChannel.decodeEvent(line));
        }
    }

    @Test
    void everyMediaStateAndEndReasonHasAWireName() {
        for (MediaState state : MediaState.values()) {
            assertEquals(state, MediaState.fromWire(state.wire()));
        }
        for (EndReason reason : EndReason.values()) {
            assertEquals(reason, EndReason.fromWire(reason.wire()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "not json", "[]", "42", "{}", "{\"op\":7}", "{\"op\":\"dance\"}",
        "{\"op\":\"call\",\"session\":\"s1\"}",
        "{\"op\":\"call\",\"session\":\"s1\",\"iceServers\":{}}",
        "{\"op\":\"call\",\"session\":\"s1\",\"iceServers\":[{\"urls\":[]}]}",
        "{\"op\":\"call\",\"session\":\"s1\",\"iceServers\":[{\"urls\":[3]}]}",
        "{\"op\":\"call\",\"session\":\"s1\",\"iceServers\":[{\"urls\":[\"stun:x\"],\"password\":\"p\"}]}",
        "{\"op\":\"call\",\"session\":\"\",\"iceServers\":[]}",
        "{\"op\":\"answer\",\"session\":\"s1\"}",
        "{\"op\":\"answer\",\"session\":\"s1\",\"sdp\":\"\"}",
        "{\"op\":\"answer\",\"session\":\"s1\",\"sdp\":\"v=0\",\"extra\":1}",
        "{\"op\":\"answer\",\"session\":\"s1\",\"session\":\"s2\",\"sdp\":\"v=0\"}",
        "{\"op\":\"candidate\",\"session\":\"s1\",\"candidate\":\"candidate:1\",\"sdpMid\":\"0\",\"sdpMLineIndex\":-1}",
        "{\"op\":\"candidate\",\"session\":\"s1\",\"candidate\":\"candidate:1\",\"sdpMid\":\"0\",\"sdpMLineIndex\":\"0\"}",
        "{\"op\":\"candidate\",\"session\":\"s1\",\"candidate\":\"candidate:1\",\"sdpMid\":\"0\",\"sdpMLineIndex\":1.5}",
        "{\"op\":\"candidate\",\"session\":\"s1\",\"candidate\":\"candidate:1\",\"sdpMid\":\"0\",\"sdpMLineIndex\":99999999999}",
        "{\"op\":\"hangup\",\"session\":\"s1\",\"reason\":\"bored\"}",
        "{\"op\":\"hangup\",\"session\":\"s\\u0000\",\"reason\":\"normal\"}",
        "{\"op\":\"exit\",\"now\":true}",
        "{\"op\":\"stats\",\"session\":null}",
        "{\"op\":\"snapshot\",\"ringId\":\"r1\"}",
        "{\"op\":\"snapshot\",\"ringId\":\"r1\",\"holdMs\":-1}",
        "{\"op\":\"snapshot\",\"ringId\":\"r1\",\"holdMs\":3600001}",
    })
    void aBadRequestLineIsRefusedWithAReason(String line) {
        WorkerChannelException e = assertThrows(WorkerChannelException.class, () -> WorkerChannel.decodeRequest(line));
        assertFalse(e.getMessage().isBlank());
        assertFalse(e.getMessage().contains("\u0000"), "the reason is safe to log: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"ev\":\"ready\",\"pid\":0,\"warmupMs\":1,\"speakerMs\":1}",
        "{\"ev\":\"ready\",\"pid\":1,\"warmupMs\":-1,\"speakerMs\":1}",
        "{\"ev\":\"ready\",\"pid\":1,\"warmupMs\":1}",
        "{\"ev\":\"offer\",\"session\":\"s1\",\"sdp\":5}",
        "{\"ev\":\"state\",\"session\":\"s1\",\"state\":\"exploded\"}",
        "{\"ev\":\"stats\",\"session\":\"s1\",\"figures\":[]}",
        "{\"ev\":\"stats\",\"session\":\"s1\",\"videoFramesEncoded\":3}",
        "{\"ev\":\"ended\",\"session\":\"s1\"}",
        "{\"ev\":\"error\"}",
        "{\"ev\":\"error\",\"message\":\"a\\nb\"}",
        "{\"ev\":\"fireworks\"}",
        "{\"op\":\"call\",\"session\":\"s1\",\"iceServers\":[]}",
        "{\"ev\":\"snapshot\",\"ringId\":\"r1\",\"picture\":{\"width\":2,\"height\":2,\"jpeg\":\"AAAAAAAA\"},\"cameraMs\":1,\"encodeMs\":1}",
        "{\"ev\":\"snapshot\",\"ringId\":\"r1\",\"picture\":{\"width\":2,\"height\":2,\"jpeg\":\"not base64!\"},\"cameraMs\":1,\"encodeMs\":1}",
        "{\"ev\":\"snapshot\",\"ringId\":\"r1\",\"picture\":{\"width\":0,\"height\":2,\"jpeg\":\"/9gBAgP/2Q==\"},\"cameraMs\":1,\"encodeMs\":1}",
        "{\"ev\":\"snapshot\",\"ringId\":\"r1\",\"picture\":\"/9gBAgP/2Q==\",\"cameraMs\":1,\"encodeMs\":1}",
        "{\"ev\":\"snapshot\",\"ringId\":\"r1\",\"picture\":{\"width\":2,\"height\":2,\"jpeg\":\"/9gBAgP/2Q==\",\"exif\":1},\"cameraMs\":1,\"encodeMs\":1}",
    })
    void aBadEventLineIsRefusedWithAReason(String line) {
        assertThrows(WorkerChannelException.class, () -> WorkerChannel.decodeEvent(line));
    }

    @Test
    void aLineOverTheLimitIsRefusedBeforeItIsParsed() {
        String huge = "{\"op\":\"answer\",\"session\":\"s1\",\"sdp\":\"v=0" + "a".repeat(WorkerChannel.MAX_LINE) + "\"}";
        WorkerChannelException e = assertThrows(WorkerChannelException.class, () -> WorkerChannel.decodeRequest(huge));
        assertTrue(e.getMessage().contains("at most " + WorkerChannel.MAX_LINE), e.getMessage());
    }

    @Test
    void recordsRefuseWhatTheChannelCannotCarry() {
        assertThrows(WorkerChannelException.class, () -> new WorkerRequest.ApplyAnswer("s1", ""));
        assertThrows(WorkerChannelException.class, () -> new WorkerCandidate("candidate:1", "0", 256));
        assertThrows(WorkerChannelException.class, () -> new WorkerEvent.Problem(Optional.empty(), "two\nlines"));
        assertEquals("two lines", WorkerEvent.Problem.about(Optional.empty(), "two\nlines").message());
        assertEquals("(no message)", WorkerEvent.Problem.about(Optional.empty(), null).message());
    }

    @Test
    void iceServerCredentialsAreNotPrinted() {
        String text = new WorkerIceServer(List.of("turn:t.example"), Optional.of("user"), Optional.of("s3cret")).toString();
        assertFalse(text.contains("s3cret") || text.contains("user"), text);
    }
}
