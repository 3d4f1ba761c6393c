package org.openbell.media.worker;

import dev.onvoid.webrtc.media.video.VideoFrame;

/** Where a camera ({@link FrameFeed}) pushes its frames: the door camera, which feeds the calls and takes snapshots. */
interface FrameSink {

    /** One frame, valid only during the call (the feed releases it after). */
    void pushFrame(VideoFrame frame);
}
