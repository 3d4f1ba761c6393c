package org.openbell.hardware;

/** The door strike (or gate) relay: energised for its configured pulse, then off; never left on. */
public interface DoorStrike {

    /** Energises the relay for the configured pulse; returns at once. Opening again during a pulse does not lengthen it. */
    void open();

    /** Whether the relay is energised now. */
    boolean energised();
}
