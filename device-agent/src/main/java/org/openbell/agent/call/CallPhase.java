package org.openbell.agent.call;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a call is in its life. Every change goes through {@link CallController}'s one
 * {@code transition} method, which enforces this diagram:
 *
 * <pre>
 *              offer                answer               media connected
 *   STARTING ---------> OFFERED ----------> ANSWERED ------------------> CONNECTED
 *                        ^   |  \             |                          |      ^
 *                        '---'   \  re-offer  |            ICE restart:  |      | answer
 *                      re-offer   '<----------'            new offer     v      |
 *                                                                     RESTARTING
 *                                                                     ^   |
 *                                                                     '---' re-offer
 *   OFFERED --- media connected (a re-offer made before the first connect raced the old path) ---> RESTARTING
 *   every phase --- hangup (either side), worker ended or died, set-up timeout, frozen worker ---> ENDED
 * </pre>
 *
 * Exactly one answer is taken per offer: in {@code OFFERED} and {@code RESTARTING} only. The
 * worker's candidates wait in {@code STARTING} (the owner needs the offer first). The set-up
 * timeout applies until the call first reaches {@code CONNECTED}; after that a restart that does
 * not heal ends the call from the worker's side ({@code media-failed}).
 */
public enum CallPhase {
    /** The owner answered the ring; the worker gets the call and makes its offer. */
    STARTING,
    /** The offer went to the owner; their answer is awaited. */
    OFFERED,
    /** The answer was applied; the media is connecting. */
    ANSWERED,
    /** Media flows (the owner was told {@code call-state connected}). */
    CONNECTED,
    /** Media has flowed and a new offer (an ICE restart: the path broke) went to the owner; its answer is awaited. */
    RESTARTING,
    /** Over: the worker is released and the next one warms. */
    ENDED;

    /** The phases this one may move to. */
    public Set<CallPhase> next() {
        return switch (this) {
            case STARTING -> EnumSet.of(OFFERED, ENDED);
            case OFFERED -> EnumSet.of(OFFERED, ANSWERED, RESTARTING, ENDED);
            case ANSWERED -> EnumSet.of(OFFERED, CONNECTED, ENDED);
            case CONNECTED -> EnumSet.of(RESTARTING, ENDED);
            case RESTARTING -> EnumSet.of(RESTARTING, CONNECTED, ENDED);
            case ENDED -> EnumSet.noneOf(CallPhase.class);
        };
    }

    public boolean canMoveTo(CallPhase target) {
        return next().contains(target);
    }

    /** Whether an answer from the owner is awaited now (one per offer). */
    public boolean awaitsAnswer() {
        return this == OFFERED || this == RESTARTING;
    }

    /** Whether the media has connected at least once (the set-up timeout no longer applies). */
    public boolean hasConnected() {
        return this == CONNECTED || this == RESTARTING;
    }

    /** The word /api/status shows for a call in this phase: {@code starting} until media first flows, then {@code connected}. */
    public String statusName() {
        return switch (this) {
            case STARTING, OFFERED, ANSWERED -> "starting";
            case CONNECTED, RESTARTING -> "connected";
            case ENDED -> "idle";
        };
    }
}
