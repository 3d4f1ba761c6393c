package org.openbell.media.channel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * What a media worker reports to the device agent: one JSON line each on the worker's standard
 * output (its logs go to standard error), written and read by {@link WorkerChannel} only.
 */
public sealed interface WorkerEvent {

    /** The worker is ready for a call: libwebrtc loaded, the speaker playing (ms since the worker's start). */
    record Ready(long pid, long warmupMs, long speakerMs) implements WorkerEvent {
        public Ready {
            Checks.atLeast("pid", pid, 1);
            Checks.atLeast("warmupMs", warmupMs, 0);
            Checks.atLeast("speakerMs", speakerMs, 0);
        }
    }

    /** The worker's offer (the first of the call, or an ICE restart's), applied locally: for the owner. */
    record OfferMade(String session, String sdp) implements WorkerEvent {
        public OfferMade {
            Checks.session(session);
            Checks.sdp(sdp);
        }
    }

    /** One of the worker's ICE candidates, for the owner. */
    record CandidateFound(String session, WorkerCandidate candidate) implements WorkerEvent {
        public CandidateFound {
            Checks.session(session);
            java.util.Objects.requireNonNull(candidate, "candidate");
        }
    }

    /** The peer connection's state changed. */
    record MediaStateChanged(String session, MediaState state) implements WorkerEvent {
        public MediaStateChanged {
            Checks.session(session);
            java.util.Objects.requireNonNull(state, "state");
        }
    }

    /**
     * The call's figures (camera, the owner's audio at the speaker, libwebrtc's RTP statistics),
     * a flat object of numbers, strings, booleans and arrays of numbers, described in the
     * media-pipeline README: shown on /api/call/stats and read by the benchmark.
     */
    record Stats(String session, ObjectNode figures) implements WorkerEvent {
        public Stats {
            Checks.session(session);
            java.util.Objects.requireNonNull(figures, "figures");
        }
    }

    /** The call ended (asked, or the media failed); the worker exits next. */
    record CallEnded(String session, EndReason reason) implements WorkerEvent {
        public CallEnded {
            Checks.session(session);
            java.util.Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The picture of ring {@code ringId}: {@code picture} (at most the size the agent sends to
     * owners) and {@code thumbnail} (small enough for a push notification, if one could be made
     * that small); {@code cameraMs} from the request to the frame, {@code encodeMs} to encode both.
     */
    record SnapshotTaken(String ringId, JpegImage picture, Optional<JpegImage> thumbnail, long cameraMs, long encodeMs)
            implements WorkerEvent {
        public SnapshotTaken {
            Checks.session(ringId);
            java.util.Objects.requireNonNull(picture, "picture");
            java.util.Objects.requireNonNull(thumbnail, "thumbnail");
            Checks.atLeast("cameraMs", cameraMs, 0);
            Checks.atLeast("encodeMs", encodeMs, 0);
        }
    }

    /** Something went wrong that the agent should log ({@code session} when it concerns the call). */
    record Problem(Optional<String> session, String message) implements WorkerEvent {
        public Problem {
            java.util.Objects.requireNonNull(session, "session").ifPresent(Checks::session);
            Checks.text("message", message, Checks.MAX_MESSAGE);
        }

        /** A problem described by any text (a native error message): control characters become spaces, cut to length. */
        public static Problem about(Optional<String> session, String text) {
            String clean = text == null || text.isBlank() ? "(no message)" : text.replaceAll("\\p{Cntrl}", " ").strip();
            return new Problem(session, clean.length() > Checks.MAX_MESSAGE ? clean.substring(0, Checks.MAX_MESSAGE) : clean);
        }
    }
}
