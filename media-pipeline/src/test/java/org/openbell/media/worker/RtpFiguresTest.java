package org.openbell.media.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The doorbell's view of a call's path, from reports shaped like libwebrtc's. */
class RtpFiguresTest {

    private static RTCStats stats(RTCStatsType type, String id, Map<String, Object> attributes) {
        return new RTCStats(0, type, id, attributes) {
        };
    }

    private static RTCStatsReport report(List<RTCStats> all) {
        Map<String, RTCStats> byId = new HashMap<>();
        all.forEach(s -> byId.put(s.getId(), s));
        return new RTCStatsReport(byId, 0) {
        };
    }

    private static final RTCStats HOST = stats(RTCStatsType.LOCAL_CANDIDATE, "L1", Map.of("candidateType", "host"));
    private static final RTCStats RELAY = stats(RTCStatsType.LOCAL_CANDIDATE, "L2", Map.of("candidateType", "relay", "relayProtocol", "tls"));
    private static final RTCStats PEER = stats(RTCStatsType.REMOTE_CANDIDATE, "R1", Map.of("candidateType", "prflx"));

    private static RTCStats pair(String id, String local, boolean nominated, String state) {
        return stats(RTCStatsType.CANDIDATE_PAIR, id, Map.of("localCandidateId", local, "remoteCandidateId", "R1",
                "nominated", nominated, "state", state, "currentRoundTripTime", 0.012));
    }

    private static ObjectNode figures(List<RTCStats> all) {
        ObjectNode out = new ObjectMapper().createObjectNode();
        RtpFigures.add(out, report(all));
        return out;
    }

    @Test
    void thePathIsTheTransportsSelectedPairEvenBeforeItIsMarkedNominated() {
        ObjectNode out = figures(List.of(HOST, RELAY, PEER,
                pair("P1", "L1", false, "succeeded"),
                pair("P2", "L2", true, "succeeded"),
                stats(RTCStatsType.TRANSPORT, "T", Map.of("selectedCandidatePairId", "P1"))));
        assertEquals("host", out.path("pathLocal").asText());
        assertEquals("prflx", out.path("pathRemote").asText());
        assertEquals(12.0, out.path("roundTripMs").asDouble());
    }

    @Test
    void withoutATransportSelectionANominatedSucceededPairIsThePath() {
        ObjectNode out = figures(List.of(HOST, RELAY, PEER, pair("P1", "L1", false, "in-progress"), pair("P2", "L2", true, "succeeded")));
        assertEquals("relay/tls", out.path("pathLocal").asText());
    }

    @Test
    void noPathIsReportedBeforeAnyPairSucceeds() {
        ObjectNode out = figures(List.of(HOST, PEER, pair("P1", "L1", true, "in-progress"),
                stats(RTCStatsType.TRANSPORT, "T", Map.of("dtlsState", "new"))));
        assertFalse(out.has("pathLocal"));
        assertFalse(out.has("roundTripMs"));
    }
}
