package org.openbell.agent.call;

import org.openbell.signaling.CallMessage;

/** Where the call controller sends call signaling: to one owner. Called on the call loop; must not block. */
@FunctionalInterface
public interface CallSignals {

    void toOwner(String ownerId, CallMessage message);
}
