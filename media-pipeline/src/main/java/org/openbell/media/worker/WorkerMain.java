package org.openbell.media.worker;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.AudioDeviceModule;
import dev.onvoid.webrtc.media.audio.AudioDeviceModuleBase;
import dev.onvoid.webrtc.media.audio.AudioLayer;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Optional;
import org.openbell.media.MediaOptions;
import org.openbell.media.channel.WorkerChannel;
import org.openbell.media.channel.WorkerChannelException;
import org.openbell.media.channel.WorkerEvent;
import org.openbell.media.channel.WorkerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media worker process: {@code java org.openbell.media.worker.WorkerMain [options]}.
 * Pre-warms libwebrtc (the speaker, audio module, factory), says {@code ready}, then takes ring pictures
 * ({@link DoorCamera}) and serves one call from
 * {@link WorkerRequest}s on stdin and reports {@link WorkerEvent}s on stdout ({@link WorkerChannel} lines;
 * see the module README).
 * It exits after its call, or when stdin closes (the agent went away).
 */
public final class WorkerMain {

    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "worker-logback.xml");
        }
        Out out = new Out(System.out);
        System.setOut(System.err); // nothing else may write to the event channel
        MediaOptions options;
        try {
            options = MediaOptions.parse(args);
        } catch (RuntimeException e) {
            out.send(WorkerEvent.Problem.about(Optional.empty(), "bad worker options: " + e.getMessage()));
            System.exit(2);
            return;
        }
        long t0 = System.nanoTime();
        boolean soundServer = options.audio().equals("pulse");
        SpeakerWarmup speaker = soundServer ? wakeSpeaker() : null;
        long speakerMs = (System.nanoTime() - t0) / 1_000_000;
        // One audio module per process, chosen at startup: the sound server, or none.
        AudioDeviceModuleBase audio = soundServer
                ? new AudioDeviceModule(AudioLayer.kLinuxPulseAudio) : new HeadlessAudioDeviceModule();
        log.info("Audio: {}", soundServer ? "sound server (PulseAudio protocol) default microphone and speaker"
                : "headless (no sound devices: the doorbell sends silence)");
        PeerConnectionFactory factory = new PeerConnectionFactory(audio);
        startSoundDevices(audio);
        if (speaker != null) {
            speaker.close(); // the call's speaker stream has joined the running speaker
        }
        // Warm the codec tables and the JPEG encoder once so the first offer and the first ring's picture are fast.
        CallSession.videoPreferences(factory);
        JpegEncoder.warm();
        ExecutorService loop = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("worker-loop").factory());
        DoorCamera camera = new DoorCamera(options, factory, out, loop);
        CountDownLatch done = new CountDownLatch(1);
        Sessions sessions = new Sessions();
        out.send(new WorkerEvent.Ready(ProcessHandle.current().pid(), (System.nanoTime() - t0) / 1_000_000, speakerMs));
        Thread reader = Thread.ofPlatform().daemon().name("worker-stdin").start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    WorkerRequest request;
                    try {
                        request = WorkerChannel.decodeRequest(line);
                    } catch (WorkerChannelException e) {
                        out.send(WorkerEvent.Problem.about(Optional.empty(), "refused a request: " + e.getMessage()));
                        continue;
                    }
                    loop.execute(() -> handle(request, factory, options, camera, out, loop, sessions, done));
                }
            } catch (IOException e) {
                log.warn("stdin: {}", e.toString());
            }
            loop.execute(() -> {
                sessions.closeAll();
                done.countDown();
            });
        });
        done.await();
        loop.submit(camera::close).get(5, java.util.concurrent.TimeUnit.SECONDS);
        loop.shutdown();
        factory.dispose();
        audio.dispose();
        reader.interrupt();
        System.exit(0);
    }

    /**
     * Starts the speaker and microphone streams now, before any call. libwebrtc would start them
     * when the call's audio streams appear, but a sound server can take a second or more to start
     * a stream: the owner's audio arriving meanwhile piles up in the jitter buffer and is then
     * heard that much late, and the microphone's backlog is sent late, for the rest of the call.
     * A warm worker's streams carry silence until the call begins.
     */
    private static void startSoundDevices(AudioDeviceModuleBase audio) {
        try {
            audio.initPlayout();
            audio.startPlayout();
            audio.initRecording();
            audio.startRecording();
        } catch (Throwable t) { // native errors surface as Error; the call still starts the devices itself
            log.warn("Could not start the sound devices ahead of the call: {}", t.toString());
        }
    }

    /**
     * Brings the sound server's speaker to steady rendering before the call's own stream starts
     * ({@link SpeakerWarmup}); the worker then says ready only once its speaker really plays.
     */
    private static SpeakerWarmup wakeSpeaker() throws InterruptedException {
        try {
            return SpeakerWarmup.start(5000);
        } catch (IllegalStateException e) {
            log.warn("Could not wake the speaker ahead of the call: {}", e.getMessage());
            return null;
        }
    }

    private static void handle(WorkerRequest request, PeerConnectionFactory factory,
            MediaOptions options, DoorCamera camera, Out out,
            ExecutorService loop, Sessions sessions, CountDownLatch done) {
        try {
            switch (request) {
                case WorkerRequest.StartCall call -> {
                    if (sessions.served && sessions.byId.isEmpty()) {
                        out.send(WorkerEvent.Problem.about(Optional.of(call.session()), "this worker already served a call"));
                        return;
                    }
                    if (sessions.byId.containsKey(call.session())) {
                        out.send(WorkerEvent.Problem.about(Optional.of(call.session()), "this session is already on"));
                        return;
                    }
                    sessions.served = true;
                    String id = call.session();
                    // Another owner joining the call: one more peer connection on the same camera and microphone.
                    sessions.byId.put(id, new CallSession(call, factory, options, camera, out, loop, reason -> {
                        sessions.byId.remove(id);
                        if (sessions.byId.isEmpty()) {
                            done.countDown(); // the call's last session ended: this worker's work is done
                        }
                    }));
                }
                case WorkerRequest.ApplyAnswer answer -> sessions.current(answer.session()).answer(answer.sdp());
                case WorkerRequest.AddCandidate candidate -> sessions.current(candidate.session()).candidate(candidate.candidate());
                case WorkerRequest.GetStats stats -> sessions.current(stats.session()).stats(out::send);
                case WorkerRequest.EndCall end -> sessions.current(end.session()).hangup(end.reason());
                case WorkerRequest.TakeSnapshot snapshot -> camera.snapshot(snapshot.ringId(), snapshot.holdMs());
                case WorkerRequest.Exit exit -> {
                    sessions.closeAll();
                    done.countDown();
                }
            }
        } catch (IllegalStateException e) {
            out.send(WorkerEvent.Problem.about(Optional.empty(), e.getMessage()));
        }
    }

    /**
     * The sessions of the worker's one call: one peer connection per owner seeing it (several
     * viewers), all sending the same camera and microphone; used on the worker loop only.
     */
    private static final class Sessions {
        final java.util.Map<String, CallSession> byId = new java.util.LinkedHashMap<>();
        /** Whether a call was started here (a worker serves one call, however many join it). */
        boolean served;

        CallSession current(String id) {
            CallSession session = byId.get(id);
            if (session == null) {
                throw new IllegalStateException(byId.isEmpty() ? "no call in this worker (asked about session " + id + ")"
                        : "this worker serves sessions " + byId.keySet() + ", not " + id);
            }
            return session;
        }

        void closeAll() {
            for (CallSession session : java.util.List.copyOf(byId.values())) {
                session.close();
            }
            byId.clear();
        }
    }
}
