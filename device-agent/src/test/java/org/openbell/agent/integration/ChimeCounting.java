package org.openbell.agent.integration;

import java.util.concurrent.atomic.AtomicInteger;
import org.openbell.hardware.Button;
import org.openbell.hardware.Chime;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.hardware.StatusLed;

/** A simulated board that counts how often its chime sounds. */
record ChimeCounting(SimulatedBoard board, AtomicInteger chimes) implements SimulatedBoard {
    @Override
    public void press() {
        board.press();
    }

    @Override
    public Button button() {
        return board.button();
    }

    @Override
    public Chime chime() {
        return () -> {
            chimes.incrementAndGet();
            board.chime().ring();
        };
    }

    @Override
    public StatusLed statusLed() {
        return board.statusLed();
    }

    @Override
    public String description() {
        return board.description();
    }

    @Override
    public void close() {
        board.close();
    }
}
