package org.openbell.agent.call;

import org.openbell.media.channel.WorkerEvent;

/** What a media worker reports. Called on the call loop; must not block. */
interface WorkerEvents {

    /** An event from the worker (all but {@link WorkerEvent.Ready}, which completes {@link WorkerProcess#ready()}). */
    void onEvent(WorkerProcess worker, WorkerEvent event);

    /** The worker process ended (after its call, or because it crashed or was killed). */
    void onExit(WorkerProcess worker, int exitCode);
}
