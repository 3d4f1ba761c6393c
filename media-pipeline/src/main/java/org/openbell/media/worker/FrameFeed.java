package org.openbell.media.worker;

/** Something that pushes camera frames into the call's video source until closed. */
interface FrameFeed extends AutoCloseable {

    /** What it is, for the log and the owner ("synthetic test pattern", "rpicam-vid 640x480@30"). */
    String description();

    /** Frames pushed so far. */
    long frames();

    @Override
    void close();
}
