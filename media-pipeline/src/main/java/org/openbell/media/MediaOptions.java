package org.openbell.media;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the media worker captures and plays: passed on its command line by the agent.
 *
 * @param video     {@code synthetic} (moving test pattern), {@code v4l2:/dev/videoN} or {@code rpicam}
 * @param audio     {@code pulse}: the sound server's default microphone and speaker (PulseAudio or
 *                  PipeWire's pulse server); {@code headless}: no sound devices (receive-only
 *                  metering; the doorbell sends silence)
 * @param record    where to write the owner's received audio as WAV (headless speaker), if anywhere
 * @param portMin   lowest UDP port for ICE (0: any)
 * @param portMax   highest UDP port for ICE (0: any)
 */
public record MediaOptions(String video, int width, int height, int fps, String audio, Optional<Path> record,
        int portMin, int portMax) {

    public MediaOptions {
        if (width < 16 || height < 16 || width > 1920 || height > 1080 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("video size must be even, from 16x16 to 1920x1080, was " + width + "x" + height);
        }
        if (fps < 1 || fps > 60) {
            throw new IllegalArgumentException("fps must be from 1 to 60, was " + fps);
        }
        if (!audio.equals("pulse") && !audio.equals("headless")) {
            throw new IllegalArgumentException("audio must be pulse or headless, was " + audio);
        }
    }

    public static MediaOptions defaults() {
        return new MediaOptions("synthetic", 640, 480, 30, "headless", Optional.empty(), 0, 0);
    }

    /**
     * The defaults for a board ({@code /proc/device-tree/model}, null if not a Raspberry Pi): the
     * picture its CPU encodes in real time with room to spare, from the cost model in
     * docs/performance.md ("A Raspberry Pi's cost"): Pi 5 1280x720 at 15 fps, Pi 4 640x480 at 30,
     * Pi 3 and Zero 2 W 640x480 at 15; anything else 640x480 at 30.
     */
    public static MediaOptions forBoard(String model) {
        MediaOptions d = defaults();
        if (model == null) {
            return d;
        }
        if (model.contains("Raspberry Pi 5") || model.contains("Compute Module 5")) {
            return new MediaOptions(d.video, 1280, 720, 15, d.audio, d.record, d.portMin, d.portMax);
        }
        if (model.contains("Raspberry Pi 3") || model.contains("Zero 2") || model.contains("Compute Module 3")) {
            return new MediaOptions(d.video, 640, 480, 15, d.audio, d.record, d.portMin, d.portMax);
        }
        return d;
    }

    /** The command-line form understood by {@link #parse}. */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of("--video", video, "--size", width + "x" + height, "--fps", String.valueOf(fps),
                "--audio", audio, "--ports", portMin + "-" + portMax));
        record.ifPresent(path -> args.addAll(List.of("--record", path.toString())));
        return args;
    }

    public static MediaOptions parse(String[] args) {
        MediaOptions o = defaults();
        String video = o.video();
        int width = o.width();
        int height = o.height();
        int fps = o.fps();
        String audio = o.audio();
        Optional<Path> record = Optional.empty();
        int portMin = 0;
        int portMax = 0;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                throw new IllegalArgumentException("missing value after " + args[i]);
            }
            switch (args[i]) {
                case "--video" -> video = value;
                case "--size" -> {
                    String[] wh = value.split("x");
                    width = Integer.parseInt(wh[0]);
                    height = Integer.parseInt(wh[1]);
                }
                case "--fps" -> fps = Integer.parseInt(value);
                case "--audio" -> audio = value;
                case "--record" -> record = Optional.of(Path.of(value));
                case "--ports" -> {
                    String[] range = value.split("-");
                    portMin = Integer.parseInt(range[0]);
                    portMax = Integer.parseInt(range[1]);
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        return new MediaOptions(video, width, height, fps, audio, record, portMin, portMax);
    }
}
