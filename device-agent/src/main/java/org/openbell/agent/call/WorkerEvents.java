package org.openbell.agent.call;

import com.fasterxml.jackson.databind.JsonNode;

/** What a media worker reports. Called on the call loop; must not block. */
interface WorkerEvents {

    /** A JSON-line event from the worker ({@code ev}: offer, candidate, state, stats, ended, error). */
    void onEvent(WorkerProcess worker, JsonNode event);

    /** The worker process ended (after its call, or because it crashed or was killed). */
    void onExit(WorkerProcess worker, int exitCode);
}
