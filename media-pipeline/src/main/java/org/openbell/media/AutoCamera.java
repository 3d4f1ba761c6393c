package org.openbell.media;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code media.video: auto} means: the Pi camera if its tool is installed (rpicam-vid or
 * libcamera-vid), else the lowest-numbered {@code /dev/videoN} below 10 (a USB webcam's capture
 * node; the Pi's codec and ISP nodes are 10 and up), else the test pattern. The worker and the
 * doctor both ask here.
 */
public final class AutoCamera {

    private AutoCamera() {
    }

    /**
     * {@code rpicam}, {@code v4l2:/dev/videoN} or {@code synthetic}.
     *
     * @param path the PATH (folders separated by ':') to look for the Pi camera tool in
     * @param dev  where the video devices are ({@code /dev}; elsewhere in tests)
     */
    public static String choose(String path, Path dev) {
        if (onPath("rpicam-vid", path) || onPath("libcamera-vid", path)) {
            return "rpicam";
        }
        for (int n = 0; n < 10; n++) {
            if (Files.exists(dev.resolve("video" + n))) {
                return "v4l2:/dev/video" + n;
            }
        }
        return "synthetic";
    }

    /** Whether {@code tool} is an executable in one of {@code path}'s folders. */
    public static boolean onPath(String tool, String path) {
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
