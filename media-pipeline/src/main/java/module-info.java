/**
 * The media side of a call: the options and the typed channel the agent uses; the worker process
 * itself ({@code org.openbell.media.worker}) is started by class name and exports nothing.
 */
module org.openbell.media {
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires java.desktop; // the JPEG encoder of ring pictures (javax.imageio), used headless
    requires webrtc.java;

    exports org.openbell.media;
    exports org.openbell.media.channel;
}
