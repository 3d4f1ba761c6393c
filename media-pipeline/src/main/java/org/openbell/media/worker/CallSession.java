package org.openbell.media.worker;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.PortAllocatorConfig;
import dev.onvoid.webrtc.RTCBundlePolicy;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpCodecCapability;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaType;
import dev.onvoid.webrtc.media.audio.AudioOptions;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.AudioTrackSource;
import dev.onvoid.webrtc.media.video.VideoTrack;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.Optional;
import org.openbell.media.MediaOptions;
import org.openbell.media.channel.EndReason;
import org.openbell.media.channel.MediaState;
import org.openbell.media.channel.WorkerCandidate;
import org.openbell.media.channel.WorkerEvent;
import org.openbell.media.channel.WorkerIceServer;
import org.openbell.media.channel.WorkerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call: a peer connection offering the door camera and microphone, receiving the owner's
 * audio. Every method runs on the worker loop; libwebrtc callbacks are handed to it, never
 * answered from the native thread.
 */
final class CallSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallSession.class);

    private final String id;
    private final Out out;
    private final Executor loop;
    private final Consumer<EndReason> ended;
    private final RTCPeerConnection pc;
    private final DoorCamera camera;
    private final AudioTrackSource audioSource;
    private final VideoTrack videoTrack;
    private final AudioTrack audioTrack;
    private final List<RTCRtpSender> senders = new ArrayList<>();
    private final AudioMeter meter = new AudioMeter();
    private static final int MAX_ICE_RESTARTS = 3;
    private static final java.time.Duration RESTART_AFTER_DISCONNECT = java.time.Duration.ofSeconds(2);
    private static final java.time.Duration RESTART_TIMEOUT = java.time.Duration.ofSeconds(10);

    private int iceRestarts;
    private boolean recovering;
    private AudioTrack remoteAudio;
    private boolean closed;

    CallSession(WorkerRequest.StartCall request, PeerConnectionFactory factory, MediaOptions options, DoorCamera camera,
            Out out, Executor loop, Consumer<EndReason> ended) {
        this.id = request.session();
        this.camera = camera;
        this.out = out;
        this.loop = loop;
        this.ended = ended;
        RTCConfiguration config = new RTCConfiguration();
        config.bundlePolicy = RTCBundlePolicy.MAX_BUNDLE;
        config.iceServers = iceServers(request.iceServers());
        config.portAllocatorConfig = new PortAllocatorConfig(options.portMin(), options.portMax(), 0).setDisableTcp(true);
        pc = factory.createPeerConnection(config, new Observer());
        // The microphone is the audio module's capture: the sound server's default source (with
        // echo cancellation and noise suppression), or nothing on a headless module.
        AudioOptions audioOptions = new AudioOptions();
        audioOptions.echoCancellation = true;
        audioOptions.noiseSuppression = true;
        audioOptions.autoGainControl = true;
        audioOptions.highpassFilter = true;
        audioSource = factory.createAudioSource(audioOptions);
        camera.openForCall(id);
        videoTrack = factory.createVideoTrack("door-camera", camera.source());
        audioTrack = factory.createAudioTrack("door-microphone", audioSource);
        senders.add(pc.addTrack(videoTrack, List.of("door")));
        senders.add(pc.addTrack(audioTrack, List.of("door")));
        for (RTCRtpTransceiver transceiver : pc.getTransceivers()) {
            var track = transceiver.getSender().getTrack();
            if (track != null && "video".equals(track.getKind())) {
                transceiver.setCodecPreferences(videoPreferences(factory));
            }
        }
        log.info("Session {}: camera {}", id, camera.feed().map(FrameFeed::description).orElse("none"));
        createOffer();
    }

    /** H.264 constrained baseline with packetization-mode 1 first (iPhone Safari), other H.264, then VP8, then the rest. */
    static List<RTCRtpCodecCapability> videoPreferences(PeerConnectionFactory factory) {
        List<RTCRtpCodecCapability> codecs = new ArrayList<>(factory.getRtpSenderCapabilities(MediaType.VIDEO).getCodecs());
        codecs.sort(Comparator.comparingInt(CallSession::rank));
        return codecs;
    }

    private static int rank(RTCRtpCodecCapability c) {
        String name = c.getName().toUpperCase(Locale.ROOT);
        String profile = c.getSDPFmtp() == null ? "" : c.getSDPFmtp().getOrDefault("profile-level-id", "");
        String mode = c.getSDPFmtp() == null ? "" : c.getSDPFmtp().getOrDefault("packetization-mode", "");
        if (name.equals("H264")) {
            return profile.startsWith("42e0") && mode.equals("1") ? 0 : profile.startsWith("42") && mode.equals("1") ? 1 : 2;
        }
        return switch (name) {
            case "VP8" -> 3;
            case "VP9", "AV1" -> 4;
            default -> 5; // rtx, red, ulpfec follow their codecs
        };
    }

    private static List<RTCIceServer> iceServers(List<WorkerIceServer> servers) {
        List<RTCIceServer> list = new ArrayList<>();
        for (WorkerIceServer s : servers) {
            RTCIceServer server = new RTCIceServer();
            server.urls = new ArrayList<>(s.urls());
            s.username().ifPresent(u -> server.username = u);
            s.credential().ifPresent(c -> server.password = c);
            list.add(server);
        }
        return list;
    }

    String id() {
        return id;
    }

    private void createOffer() {
        createOffer(new RTCOfferOptions());
    }

    private void createOffer(RTCOfferOptions options) {
        pc.createOffer(options, new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription offer) {
                loop.execute(() -> setLocal(offer));
            }

            @Override
            public void onFailure(String error) {
                loop.execute(() -> fail("createOffer failed: " + error));
            }
        });
    }

    private void setLocal(RTCSessionDescription offer) {
        if (closed) {
            return;
        }
        pc.setLocalDescription(offer, new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
                out.send(new WorkerEvent.OfferMade(id, offer.sdp));
            }

            @Override
            public void onFailure(String error) {
                loop.execute(() -> fail("setLocalDescription failed: " + error));
            }
        });
    }

    void answer(String sdp) {
        if (closed) {
            return;
        }
        try {
            pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.ANSWER, sdp), new SetSessionDescriptionObserver() {
                @Override
                public void onSuccess() {
                    log.info("Session {}: answer applied", id);
                }

                @Override
                public void onFailure(String error) {
                    loop.execute(() -> fail("the owner's answer was refused: " + error));
                }
            });
        } catch (RuntimeException | Error e) { // webrtc-java throws java.lang.Error for SDP it cannot parse
            if (e instanceof VirtualMachineError vm) {
                throw vm;
            }
            fail("the owner's answer could not be applied: " + e.getMessage());
        }
    }

    void candidate(WorkerCandidate candidate) {
        if (closed) {
            return;
        }
        try {
            pc.addIceCandidate(new RTCIceCandidate(candidate.sdpMid(), candidate.sdpMLineIndex(), candidate.candidate()));
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError vm) {
                throw vm;
            }
            log.warn("Session {}: ignored a candidate libwebrtc refused: {}", id, e.getMessage());
        }
    }

    /** Replies (on the loop) with the call's figures: camera, speaker meter, and libwebrtc's RTP statistics. */
    void stats(Consumer<WorkerEvent.Stats> reply) {
        ObjectNode stats = JsonNodeFactory.instance.objectNode();
        var onsets = stats.putArray("audioInOnsets");
        meter.onsets().forEach(onsets::add);
        stats.put("videoFramesCaptured", camera.feed().map(FrameFeed::frames).orElse(0L))
                .put("camera", camera.feed().map(FrameFeed::description).orElse("none"))
                .put("audioInRms", Math.round(meter.rms()))
                .put("audioInPeakRms", Math.round(meter.peakRms()))
                .put("audioInHz", Math.round(meter.hz()))
                .put("audioInFrames", meter.frames())
                .put("connectionState", pc.getConnectionState().name().toLowerCase(Locale.ROOT));
        if (closed) {
            reply.accept(new WorkerEvent.Stats(id, stats));
            return;
        }
        pc.getStats(report -> loop.execute(() -> {
            RtpFigures.add(stats, report);
            reply.accept(new WorkerEvent.Stats(id, stats));
        }));
    }

    /**
     * The network path broke (the phone changed networks, a NAT mapping expired). If the
     * connection has not healed by itself after {@link #RESTART_AFTER_DISCONNECT}, restart ICE with
     * a new offer, which the owner's app answers on the same call; try again every
     * {@link #RESTART_TIMEOUT} (the owner may have been offline for the last offer), and give up
     * after {@link #MAX_ICE_RESTARTS} restarts.
     */
    private void onConnectionState(RTCPeerConnectionState state) {
        switch (state) {
            case CONNECTED -> {
                if (recovering) {
                    log.info("Session {}: media path back after {} ICE restart(s)", id, iceRestarts);
                }
                recovering = false;
                iceRestarts = 0;
            }
            case DISCONNECTED, FAILED -> {
                if (!recovering) {
                    recovering = true;
                    recoverAfter(RESTART_AFTER_DISCONNECT);
                }
            }
            default -> {
            }
        }
    }

    private void recoverAfter(java.time.Duration delay) {
        CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, loop).execute(this::recover);
    }

    private void recover() {
        if (closed || !recovering) {
            return;
        }
        if (pc.getConnectionState() == RTCPeerConnectionState.CONNECTED) {
            recovering = false;
            return;
        }
        if (iceRestarts >= MAX_ICE_RESTARTS) {
            fail("the media path to the owner was lost and " + iceRestarts + " ICE restarts did not bring it back");
            return;
        }
        iceRestarts++;
        log.warn("Session {}: media path {}; restarting ICE (attempt {} of {})", id,
                pc.getConnectionState().name().toLowerCase(Locale.ROOT), iceRestarts, MAX_ICE_RESTARTS);
        RTCOfferOptions options = new RTCOfferOptions();
        options.iceRestart = true;
        createOffer(options);
        recoverAfter(RESTART_TIMEOUT);
    }

    private void fail(String why) {
        log.error("Session {}: {}", id, why);
        out.send(WorkerEvent.Problem.about(Optional.of(id), why));
        hangup(EndReason.MEDIA_FAILED);
    }

    /** Ends the call; the worker then exits (one call per worker process). */
    void hangup(EndReason reason) {
        if (closed) {
            return;
        }
        close();
        out.send(new WorkerEvent.CallEnded(id, reason));
        ended.accept(reason);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (remoteAudio != null) {
            remoteAudio.removeSink(meter);
        }
        for (RTCRtpSender sender : senders) {
            try {
                pc.removeTrack(sender);
            } catch (Throwable t) {
                log.debug("removeTrack: {}", t.toString());
            }
        }
        pc.close();
        for (AutoCloseable disposable : List.<AutoCloseable>of(videoTrack::dispose, audioTrack::dispose)) {
            try {
                disposable.close();
            } catch (Throwable t) { // webrtc-java throws java.lang.Error from dispose on some paths
                log.debug("dispose: {}", t.toString());
            }
        }
    }

    /** libwebrtc's callbacks: each only reports or hands over to the loop. */
    private final class Observer implements PeerConnectionObserver {
        @Override
        public void onIceCandidate(RTCIceCandidate candidate) {
            WorkerCandidate found;
            try {
                found = new WorkerCandidate(candidate.sdp, candidate.sdpMid, candidate.sdpMLineIndex);
            } catch (IllegalArgumentException e) {
                log.warn("Session {}: a local candidate the channel cannot carry ({}): not sent", id, e.getMessage());
                return;
            }
            out.send(new WorkerEvent.CandidateFound(id, found));
        }

        @Override
        public void onConnectionChange(RTCPeerConnectionState state) {
            out.send(new WorkerEvent.MediaStateChanged(id, MediaState.valueOf(state.name())));
            loop.execute(() -> onConnectionState(state));
        }

        @Override
        public void onTrack(RTCRtpTransceiver transceiver) {
            var track = transceiver.getReceiver().getTrack();
            if (track instanceof AudioTrack audio) {
                loop.execute(() -> {
                    remoteAudio = audio;
                    audio.addSink(meter);
                });
            }
        }
    }
}
