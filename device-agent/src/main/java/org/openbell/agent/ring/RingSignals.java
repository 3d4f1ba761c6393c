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

    /** Tells each of {@code targets} in order (the MQTT ring first, then the pushes); one that fails does not keep the next from hearing. */
    static RingSignals all(java.util.List<? extends RingSignals> targets) {
        java.util.List<RingSignals> list = java.util.List.copyOf(targets);
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RingSignals.class);
        return new RingSignals() {
            @Override
            public void ringStarted(Ring ring) {
                for (RingSignals target : list) {
                    try {
                        target.ringStarted(ring);
                    } catch (RuntimeException e) {
                        log.error("{} was not told of ring {}: {}", target.getClass().getSimpleName(), ring.ringId(), e.toString(), e);
                    }
                }
            }

            @Override
            public void ringEnded(RingEnded ended) {
                for (RingSignals target : list) {
                    try {
                        target.ringEnded(ended);
                    } catch (RuntimeException e) {
                        log.error("{} was not told that ring {} ended: {}", target.getClass().getSimpleName(), ended.ringId(), e.toString(), e);
                    }
                }
            }
        };
    }
}
