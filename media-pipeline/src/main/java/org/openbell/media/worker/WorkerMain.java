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
        CallSession[] session = new CallSession[1];
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
                    loop.execute(() -> handle(request, factory, options, camera, out, loop, session, done));
                }
            } catch (IOException e) {
                log.warn("stdin: {}", e.toString());
            }
            loop.execute(() -> {
                if (session[0] != null) {
                    session[0].close();
                }
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
            ExecutorService loop, CallSession[] session, CountDownLatch done) {
        try {
            switch (request) {
                case WorkerRequest.StartCall call -> {
                    if (session[0] != null) {
                        out.send(WorkerEvent.Problem.about(Optional.of(call.session()), "this worker already served a call"));
                        return;
                    }
                    session[0] = new CallSession(call, factory, options, camera, out, loop, reason -> done.countDown());
                }
                case WorkerRequest.ApplyAnswer answer -> current(session, answer.session()).answer(answer.sdp());
                case WorkerRequest.AddCandidate candidate -> current(session, candidate.session()).candidate(candidate.candidate());
                case WorkerRequest.GetStats stats -> current(session, stats.session()).stats(out::send);
                case WorkerRequest.EndCall end -> current(session, end.session()).hangup(end.reason());
                case WorkerRequest.TakeSnapshot snapshot -> camera.snapshot(snapshot.ringId(), snapshot.holdMs());
                case WorkerRequest.Exit exit -> {
                    if (session[0] != null) {
                        session[0].close();
                    }
                    done.countDown();
                }
            }
        } catch (IllegalStateException e) {
            out.send(WorkerEvent.Problem.about(Optional.empty(), e.getMessage()));
        }
    }

    private static CallSession current(CallSession[] session, String id) {
        if (session[0] == null) {
            throw new IllegalStateException("no call in this worker (asked about session " + id + ")");
        }
        if (!session[0].id().equals(id)) {
            throw new IllegalStateException("this worker serves session " + session[0].id() + ", not " + id);
        }
        return session[0];
    }
}
