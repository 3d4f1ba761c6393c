package org.openbell.agent.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The doorbell's state as {@code GET /api/status} shows it (docs/protocol.md "The device's
 * status"): what the page, the service watchdog's tester and the benchmarks read. A field that does
 * not apply is {@code null} (written as such), except inside {@link Push}.
 */
public record AgentStatus(String deviceId, String state, String ringId, long presses, Long ringAt, boolean mqttConnected,
        String mqttBroker, String mqttError, String board, LastRing lastRing, RingDelivery lastRingDelivery, Map<String, Long> rejectedMessages,
        InboundMessages inboundMessages, Call call, Push push, RingPicture lastRingPicture, Door door,
        Replies replies) {

    public AgentStatus {
        rejectedMessages = Map.copyOf(rejectedMessages);
    }

    /** How the latest ring ended. */
    public record LastRing(String ringId, String outcome, String by, long at) {
    }

    /** What became of the latest ring message at the broker: {@code waiting}, {@code broker-took-it} or {@code failed}. */
    public record RingDelivery(String ringId, String state, long pressToMessageMs, Long pressToBrokerMs, String failure) {
    }

    /**
     * The latest ring's picture: from the ring's start to the picture at the doorbell
     * ({@code ringToPictureMs}; -1 if it came after the ring ended), of which {@code cameraMs} from the
     * worker's request to the frame and {@code encodeMs} to encode it; its size; the thumbnail's bytes
     * (null if none fit a push).
     */
    public record RingPicture(String ringId, long ringToPictureMs, long cameraMs, long encodeMs, int width, int height, int bytes,
            Integer thumbnailBytes) {
    }

    /** The door strike: whether one is wired, the openings kept, the latest. */
    public record Door(boolean configured, int openings, DoorOpening last) {
    }

    /** One opening: when (epoch ms), by whom, how ({@code app}, {@code home-assistant}). */
    /** Quick replies: how many the doorbell has, whether it has a speaker to play them on, the last played. */
    public record Replies(int available, boolean speaker, PlayedReply last) {
    }

    public record PlayedReply(String replyId, long at, String by, String via) {
    }

    public record DoorOpening(long at, String by, String via) {
    }

    /** Every inbound message on the doorbell's subscriptions: {@code received = accepted + rejected}. */
    public record InboundMessages(long received, long accepted, long rejected) {
    }

    /** The call side: {@code phase} is {@code idle}, {@code starting} or {@code connected}. */
    public record Call(String phase, String sessionId, String ownerId, Long workerPid, String lastEnd, long callsStarted,
            int workersStarted, boolean workerReady, int viewers, java.util.List<String> viewerOwners) {
    }

    /** Web Push: only {@code enabled} when it is off; the counters and the latest message when on. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Push(boolean enabled, Integer subscriptions, Long sent, Long delivered, Long failed, Long dropped, Long expired,
            Long retries, LastPush last) {

        public static final Push OFF = new Push(false, null, null, null, null, null, null, null, null);
    }

    /** The latest pushed message: to how many subscriptions, how many push services accepted it, the slowest acceptance. */
    public record LastPush(String message, int subscriptions, long accepted, long finished, long slowestAcceptedMs) {
    }
}
