package org.openbell.agent.ring;

/** Told of every state change, on the controller's thread; must not block. */
@FunctionalInterface
public interface RingListener {

    void onTransition(RingState from, RingState to, RingSnapshot snapshot);
}
