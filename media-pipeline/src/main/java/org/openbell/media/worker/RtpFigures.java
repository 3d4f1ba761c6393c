package org.openbell.media.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import java.util.Map;

/**
 * The few libwebrtc statistics that explain a call's latency and picture, flattened into the
 * worker's stats event: the owner's audio as received (jitter buffer), the door camera as sent
 * (encoder, keyframes, picture-loss requests), and the selected candidate pair.
 */
final class RtpFigures {

    private RtpFigures() {
    }

    static void add(ObjectNode stats, RTCStatsReport report) {
        for (RTCStats s : report.getStats().values()) {
            Map<String, Object> a = s.getAttributes();
            String kind = String.valueOf(a.get("kind"));
            if (s.getType() == RTCStatsType.INBOUND_RTP && kind.equals("audio")) {
                double emitted = number(a, "jitterBufferEmittedCount");
                if (emitted > 0) {
                    // Average over the call so far, and the delay the jitter buffer currently aims for.
                    stats.put("audioInJitterBufferMs", round(number(a, "jitterBufferDelay") * 1000 / emitted));
                    stats.put("audioInJitterBufferTargetMs", round(number(a, "jitterBufferTargetDelay") * 1000 / emitted));
                }
                stats.put("audioInJitterBufferDelayTotalMs", round(number(a, "jitterBufferDelay") * 1000));
                stats.put("audioInJitterBufferEmitted", (long) emitted);
                stats.put("audioInPacketsReceived", (long) number(a, "packetsReceived"));
                stats.put("audioInConcealedSamples", (long) number(a, "concealedSamples"));
                stats.put("audioInSamplesReceived", (long) number(a, "totalSamplesReceived"));
            } else if (s.getType() == RTCStatsType.OUTBOUND_RTP && kind.equals("video")) {
                double encoded = number(a, "framesEncoded");
                stats.put("videoFramesEncoded", (long) encoded);
                stats.put("videoKeyFramesEncoded", (long) number(a, "keyFramesEncoded"));
                stats.put("videoPliReceived", (long) number(a, "pliCount"));
                stats.put("videoFirReceived", (long) number(a, "firCount"));
                if (encoded > 0) {
                    stats.put("videoEncodeMs", round(number(a, "totalEncodeTime") * 1000 / encoded));
                }
                stats.put("videoEncoder", String.valueOf(a.getOrDefault("encoderImplementation", "")));
            }
        }
        RTCStats pair = selectedPair(report);
        if (pair != null) {
            stats.put("roundTripMs", round(number(pair.getAttributes(), "currentRoundTripTime") * 1000));
            // The path the call takes: host, srflx (through a NAT) or relay (through TURN, and how).
            RTCStats local = report.getStats().get(String.valueOf(pair.getAttributes().get("localCandidateId")));
            RTCStats remote = report.getStats().get(String.valueOf(pair.getAttributes().get("remoteCandidateId")));
            if (local != null && remote != null) {
                Map<String, Object> l = local.getAttributes();
                stats.put("pathLocal", l.get("candidateType") + (l.get("relayProtocol") != null ? "/" + l.get("relayProtocol") : ""));
                stats.put("pathRemote", String.valueOf(remote.getAttributes().get("candidateType")));
            }
        }
    }

    /**
     * The candidate pair media flows on: the one the transport names as selected (what the
     * standard defines), else a nominated pair that succeeded. The nomination flag alone lags the
     * selection on the controlling side, so a call already showing video could report no path.
     */
    static RTCStats selectedPair(RTCStatsReport report) {
        Map<String, RTCStats> all = report.getStats();
        for (RTCStats s : all.values()) {
            if (s.getType() == RTCStatsType.TRANSPORT && all.get(String.valueOf(s.getAttributes().get("selectedCandidatePairId"))) instanceof RTCStats pair) {
                return pair;
            }
        }
        for (RTCStats s : all.values()) {
            Map<String, Object> a = s.getAttributes();
            if (s.getType() == RTCStatsType.CANDIDATE_PAIR && Boolean.TRUE.equals(a.get("nominated")) && "succeeded".equals(String.valueOf(a.get("state")))) {
                return s;
            }
        }
        return null;
    }

    private static double number(Map<String, Object> attributes, String name) {
        return attributes.get(name) instanceof Number n ? n.doubleValue() : 0;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
