package org.openbell.agent.ring;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where the doorbell is in a ring's life. Every change goes through {@link RingController}'s one
 * {@code transition} method, which enforces this diagram:
 *
 * <pre>
 *            press                 ring-answer
 *   IDLE ------------> RINGING ----------------> ANSWERED --.
 *    ^                   |  |      ring-decline               |
 *    |                   |  '--------------------> DECLINED --+
 *    |                   |         timeout                    |
 *    |                   '-----------------------> TIMED_OUT -+
 *    '--------------------------------------------------------'
 *                    (the outcome is published, then IDLE)
 * </pre>
 *
 * A press while {@code RINGING} chimes again and re-notifies the same ring; it does not start a new one.
 */
public enum RingState {
    IDLE, RINGING, ANSWERED, DECLINED, TIMED_OUT;

    /** The states this one may move to. */
    public Set<RingState> next() {
        return switch (this) {
            case IDLE -> EnumSet.of(RINGING);
            case RINGING -> EnumSet.of(ANSWERED, DECLINED, TIMED_OUT);
            case ANSWERED, DECLINED, TIMED_OUT -> EnumSet.of(IDLE);
        };
    }

    public boolean canMoveTo(RingState target) {
        return next().contains(target);
    }
}
