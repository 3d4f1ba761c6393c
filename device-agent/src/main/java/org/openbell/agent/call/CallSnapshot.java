package org.openbell.agent.call;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The call side of the doorbell, readable from any thread.
 *
 * @param phase        {@code idle}, {@code starting}, {@code connected}
 * @param lastStats    the latest stats event of the current (or last) call's worker
 * @param lastEnd      how the last call ended ({@code normal}, {@code media-failed}, ...)
 */
public record CallSnapshot(String phase, Optional<String> sessionId, Optional<String> ownerId, Optional<Long> workerPid,
        Optional<JsonNode> lastStats, Optional<String> lastEnd, int workersStarted, long callsStarted) {
}
