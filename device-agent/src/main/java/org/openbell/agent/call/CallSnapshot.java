package org.openbell.agent.call;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The call side of the doorbell, readable from any thread.
 *
 * @param callPhase    the current call's phase; empty when there is none
 * @param liveView     whether the current call is a live view (asked by its owner, no ring)
 * @param lastStats    the figures of the latest stats event of the current (or last) call's worker
 * @param lastEnd      how the last call ended ({@code normal}, {@code media-failed}, ...)
 * @param viewers      the owners' sessions in the call now (0 when none; the other fields describe the oldest)
 * @param viewerOwners their owners, oldest first
 */
public record CallSnapshot(Optional<CallPhase> callPhase, boolean liveView, Optional<String> sessionId, Optional<String> ownerId,
        Optional<Long> workerPid, Optional<ObjectNode> lastStats, Optional<String> lastEnd, int workersStarted, long callsStarted,
        int viewers, java.util.List<String> viewerOwners) {

    public CallSnapshot {
        viewerOwners = java.util.List.copyOf(viewerOwners);
    }

    /** What /api/status shows: {@code idle}, {@code starting} (until media first flows) or {@code connected}. */
    public String phase() {
        return callPhase.map(CallPhase::statusName).orElse("idle");
    }
}
