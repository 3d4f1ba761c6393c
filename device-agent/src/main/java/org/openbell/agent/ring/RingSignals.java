package org.openbell.agent.ring;

import org.openbell.signaling.Ring;
import org.openbell.signaling.RingEnded;

/**
 * What the ring controller tells the owners. Implemented by the MQTT side; tests pass lambdas
 * or a recording list. Called on the controller's thread: must not block.
 */
public interface RingSignals {

    void ringStarted(Ring ring);

    void ringEnded(RingEnded ended);
}
