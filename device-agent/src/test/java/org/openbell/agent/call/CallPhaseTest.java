package org.openbell.agent.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every call-phase transition, allowed and refused, against the diagram in {@link CallPhase}. */
class CallPhaseTest {

    private static final Map<CallPhase, Set<CallPhase>> DIAGRAM = Map.of(
            CallPhase.STARTING, EnumSet.of(CallPhase.OFFERED, CallPhase.ENDED),
            CallPhase.OFFERED, EnumSet.of(CallPhase.OFFERED, CallPhase.ANSWERED, CallPhase.RESTARTING, CallPhase.ENDED),
            CallPhase.ANSWERED, EnumSet.of(CallPhase.OFFERED, CallPhase.CONNECTED, CallPhase.ENDED),
            CallPhase.CONNECTED, EnumSet.of(CallPhase.RESTARTING, CallPhase.ENDED),
            CallPhase.RESTARTING, EnumSet.of(CallPhase.RESTARTING, CallPhase.CONNECTED, CallPhase.ENDED),
            CallPhase.ENDED, EnumSet.noneOf(CallPhase.class));

    @Test
    void everyPairIsAllowedExactlyWhenTheDiagramSaysSo() {
        int allowed = 0;
        for (CallPhase from : CallPhase.values()) {
            for (CallPhase to : CallPhase.values()) {
                boolean expected = DIAGRAM.get(from).contains(to);
                assertEquals(expected, from.canMoveTo(to), from + " -> " + to);
                allowed += expected ? 1 : 0;
            }
        }
        assertEquals(14, allowed);
    }

    @Test
    void everyPhaseButTheEndCanEnd() {
        for (CallPhase phase : CallPhase.values()) {
            assertEquals(phase != CallPhase.ENDED, phase.canMoveTo(CallPhase.ENDED), phase.toString());
        }
    }

    @Test
    void anAnswerIsTakenOnlyWhileAnOfferAwaitsOne() {
        assertEquals(EnumSet.of(CallPhase.OFFERED, CallPhase.RESTARTING),
                EnumSet.copyOf(java.util.Arrays.stream(CallPhase.values()).filter(CallPhase::awaitsAnswer).toList()));
    }

    @Test
    void statusWordsAreTheOnesTheStatusPageAlwaysShowed() {
        assertEquals("starting", CallPhase.STARTING.statusName());
        assertEquals("starting", CallPhase.OFFERED.statusName());
        assertEquals("starting", CallPhase.ANSWERED.statusName());
        assertEquals("connected", CallPhase.CONNECTED.statusName());
        assertEquals("connected", CallPhase.RESTARTING.statusName());
        assertEquals("idle", CallPhase.ENDED.statusName());
        assertTrue(CallPhase.RESTARTING.hasConnected());
        assertFalse(CallPhase.ANSWERED.hasConnected());
    }
}
