package org.openbell.agent.call;

/** Told of every call phase change, on the rings-and-calls thread; must not block. */
@FunctionalInterface
public interface CallListener {

    void onTransition(String sessionId, CallPhase from, CallPhase to, CallSnapshot snapshot);
}
