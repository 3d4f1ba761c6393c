package org.openbell.media.channel;

import java.util.List;

/**
 * What the device agent asks of its media worker: one JSON line each on the worker's standard
 * input, written and read by {@link WorkerChannel} only. A worker serves one call ({@code session}).
 */
public sealed interface WorkerRequest {

    /** Start the call: build the peer connection with these STUN/TURN servers and make the offer. */
    record StartCall(String session, List<WorkerIceServer> iceServers) implements WorkerRequest {
        public StartCall {
            Checks.session(session);
            iceServers = List.copyOf(iceServers);
            Checks.atMost("iceServers", iceServers.size(), WorkerIceServer.MAX_SERVERS);
        }
    }

    /** The owner's answer to the worker's latest offer. */
    record ApplyAnswer(String session, String sdp) implements WorkerRequest {
        public ApplyAnswer {
            Checks.session(session);
            Checks.sdp(sdp);
        }
    }

    /** One of the owner's ICE candidates. */
    record AddCandidate(String session, WorkerCandidate candidate) implements WorkerRequest {
        public AddCandidate {
            Checks.session(session);
            java.util.Objects.requireNonNull(candidate, "candidate");
        }
    }

    /** Reply with a {@link WorkerEvent.Stats} (also the agent's heartbeat: a frozen worker does not reply). */
    record GetStats(String session) implements WorkerRequest {
        public GetStats {
            Checks.session(session);
        }
    }

    /** End the call; the worker then reports {@link WorkerEvent.CallEnded} and exits. */
    record EndCall(String session, EndReason reason) implements WorkerRequest {
        public EndCall {
            Checks.session(session);
            java.util.Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A visitor pressed the button: open the camera (if it is not open), take a picture of its
     * first good frame for ring {@code ringId} and report it ({@link WorkerEvent.SnapshotTaken}).
     * The camera then stays open for {@code holdMs} (or until the call it was opened for ends), so
     * the call that may follow starts with a running camera; a later request holds it longer.
     */
    record TakeSnapshot(String ringId, long holdMs) implements WorkerRequest {
        public static final long MAX_HOLD_MS = 3_600_000;

        public TakeSnapshot {
            Checks.session(ringId);
            Checks.atLeast("holdMs", holdMs, 0);
            Checks.atMost("holdMs", holdMs, MAX_HOLD_MS);
        }
    }

    /** Exit now (ending a call in progress): the agent is stopping or retiring a spare worker. */
    record Exit() implements WorkerRequest {
    }
}
