package org.openbell.agent.call;

import java.util.List;
import org.openbell.media.MediaOptions;

/**
 * Calls: how the media worker captures, which ICE servers it uses, and how it is launched.
 *
 * @param options              camera, size, frame rate, test tone, ICE port range
 * @param iceServers           STUN/TURN servers (credentials fixed, or issued per use from a secret: {@link IceServers}); none by default
 * @param workerCommandPrefix  words put before the worker's java command (e.g. {@code nice -n 5}, or a
 *                             network namespace in tests); empty by default
 * @param pulseServer          the sound server the worker uses with {@code audio: pulse} (PULSE_SERVER), if not the default
 * @param simulatedSound       run a private sound server (tone bursts in, null sink out) for the worker
 * @param toneHz               the simulated microphone's tone
 * @param workerJava           the java program that runs the worker, if not the agent's own (another
 *                             Java, e.g. an arm64 one under emulation: scripts/arm64-call)
 * @param workerClasspath      the worker's class path, if not the agent's own (with workerJava)
 * @param liveViewMax          how long a live view lasts unless its owner renews it (the app renews while it is open)
 * @param maxViewers           owners seeing one call at most by live-request (the answerer of a ring always gets in)
 */
public record MediaConfig(MediaOptions options, List<ConfiguredIceServer> iceServers, List<String> workerCommandPrefix,
        java.util.Optional<String> pulseServer, boolean simulatedSound, int toneHz,
        java.util.Optional<String> workerJava, java.util.Optional<String> workerClasspath, java.time.Duration liveViewMax,
        int maxViewers) {

    /** The default {@code liveViewMax}. */
    public static final java.time.Duration DEFAULT_LIVE_VIEW_MAX = java.time.Duration.ofMinutes(5);

    /**
     * The default {@code maxViewers}: owners in one call by live-request (the answerer of a ring always
     * gets in). Each viewer costs the worker one more encode: from the figures in docs/performance.md
     * ("Several viewers"), what a Pi 4 carries at its default 640x480.
     */
    public static final int DEFAULT_MAX_VIEWERS = 3;

    public MediaConfig {
        java.util.Objects.requireNonNull(liveViewMax, "liveViewMax");
        if (maxViewers < 1) {
            throw new IllegalArgumentException("maxViewers must be at least 1");
        }
        iceServers = List.copyOf(iceServers);
        workerCommandPrefix = List.copyOf(workerCommandPrefix);
    }

    /** The same, with the worker pointed at {@code server}. */
    public MediaConfig withPulseServer(String server) {
        return new MediaConfig(options, iceServers, workerCommandPrefix, java.util.Optional.of(server), simulatedSound, toneHz,
                workerJava, workerClasspath, liveViewMax, maxViewers);
    }

    @Override
    public String toString() {
        return "MediaConfig[" + options + ", " + iceServers.size() + " ICE servers, prefix " + workerCommandPrefix
                + workerJava.map(j -> ", java " + j).orElse("") + "]";
    }

    public static MediaConfig defaults() {
        return new MediaConfig(MediaOptions.defaults(), List.of(), List.of(), java.util.Optional.empty(), false, 1000,
                java.util.Optional.empty(), java.util.Optional.empty(), DEFAULT_LIVE_VIEW_MAX, DEFAULT_MAX_VIEWERS);
    }
}
