package org.openbell.agent.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.Closing;
import org.openbell.agent.call.SimulatedSound;
import org.openbell.agent.call.SoundProbe;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.signaling.Capabilities;
import org.openbell.signaling.QuickReply;
import org.openbell.signaling.ReplyPlay;
import org.openbell.signaling.ReplyStatus;
import org.openbell.signaling.Ring;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * Issue 15, quick replies end to end on a real Mosquitto and the doorbell's (simulated) sound
 * server: the owner learns the replies from the retained capabilities, picks one, and it is heard
 * at the speaker's sink; the owner's own WAV file is one of them; a ring while a reply plays rings
 * at once; without a speaker the owner is told so.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class QuickReplyTest {

    @TempDir
    Path state;

    private Agent start(MosquittoBroker broker, String audio) throws Exception {
        return Agent.start(ConfigLoader.parse("""
                device: {id: front-door, name: Front door}
                hardware: {mode: simulated, button: {debounce: 5ms, lockout: 300ms}, chime: {duration: 200ms}}
                mqtt: {broker: "%s", webSocketUrl: "%s", reconnectMin: 100ms, reconnectMax: 1s, keepAlive: 5s}
                media: {audio: %s}
                web: {bind: 127.0.0.1, port: 0}
                stateDir: "%s"
                """.formatted(broker.tcpUri(), broker.webSocketUri(), audio, state), "quick reply test"));
    }

    @Test
    void aPickedReplyIsHeardAtTheDoorbellsSpeakerAndARingDuringItRingsAtOnce() throws Exception {
        String noSound = SimulatedSound.unavailableReason();
        assumeTrue(noSound == null, noSound);
        Files.createDirectories(state.resolve("replies"));
        Files.write(state.resolve("replies").resolve("Back-in-five-minutes.wav"), toneWav(800, 16000, 1500));
        Files.writeString(state.resolve("replies").resolve("notes.txt"), "not a sound");
        MosquittoBroker broker = MosquittoBroker.start();
        Agent agent = null;
        SoundProbe speaker = null;
        try {
            agent = start(broker, "simulated");
            speaker = agent.simulatedSound().orElseThrow().listenToSpeaker();
            try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door")) {
                Capabilities offered = alice.next(alice.capabilities, Capabilities.class);
                assertFalse(offered.door(), "no strike wired");
                List<String> ids = offered.replies().stream().map(QuickReply::replyId).toList();
                assertEquals(List.of("leave-at-door", "coming", "cannot-come", "no-thanks", "back-in-five-minutes"), ids,
                        "the shipped replies, then the owner's own file (the text file is skipped)");
                assertEquals("Back in five minutes", offered.replies().get(4).label());
                assertEquals("Please leave it at the door", offered.replies().get(0).label());

                Thread.sleep(1500); // a quiet spell at the speaker, so the reply's start counts as an onset
                assertEquals(List.of(), speaker.onsets(), "the speaker is silent before any reply");
                long asked = System.currentTimeMillis();
                alice.send(new ReplyPlay("front-door", "q1", "back-in-five-minutes", Instant.now()));
                ReplyStatus playing = alice.next(alice.fromDevice, ReplyStatus.class);
                assertEquals("q1", playing.requestId());
                assertEquals(ReplyStatus.State.PLAYING, playing.state(), playing.toString());
                long heard = awaitOnset(speaker, asked);
                assertTrue(heard - asked < 5000, "heard " + (heard - asked) + " ms after asking");

                // Repeats come at most once a second: the owner is told, nothing is lost.
                alice.send(new ReplyPlay("front-door", "q2", "coming", Instant.now()));
                ReplyStatus tooSoon = alice.next(alice.fromDevice, ReplyStatus.class);
                assertEquals(Optional.of(ReplyStatus.Reason.TOO_SOON), tooSoon.reason());
                alice.send(new ReplyPlay("front-door", "q3", "sing-a-song", Instant.now()));
                assertEquals(Optional.of(ReplyStatus.Reason.UNKNOWN_REPLY), alice.next(alice.fromDevice, ReplyStatus.class).reason());

                // A shipped (spoken) reply, and a press while it plays: the ring goes out at once.
                Thread.sleep(2500); // the tone ends and the speaker is quiet again
                long second = System.currentTimeMillis();
                alice.send(new ReplyPlay("front-door", "q4", "leave-at-door", Instant.now()));
                assertEquals(ReplyStatus.State.PLAYING, alice.next(alice.fromDevice, ReplyStatus.class).state());
                awaitOnset(speaker, second);
                ((SimulatedBoard) agent.board()).press();
                Ring ring = alice.next(alice.rings, Ring.class);
                assertNotNull(ring.ringId());
                assertEquals("RINGING", agent.status().state());
                var status = agent.status().replies();
                assertEquals(5, status.available());
                assertTrue(status.speaker());
                assertEquals("leave-at-door", status.last().replyId());
                assertEquals("alice", status.last().by());
            }
        } finally {
            Closing.all(speaker, agent, broker);
        }
    }

    @Test
    void withoutASpeakerTheOwnerIsToldSo() throws Exception {
        MosquittoBroker broker = MosquittoBroker.start();
        Agent agent = null;
        try {
            agent = start(broker, "headless");
            try (OwnerClient alice = new OwnerClient(broker.tcpUri(), "alice", "front-door")) {
                Capabilities offered = alice.next(alice.capabilities, Capabilities.class);
                assertEquals(4, offered.replies().size(), "the shipped replies are offered (a speaker may be set up later)");
                alice.send(new ReplyPlay("front-door", "q1", "coming", Instant.now()));
                ReplyStatus refused = alice.next(alice.fromDevice, ReplyStatus.class);
                assertEquals(ReplyStatus.State.REFUSED, refused.state());
                assertEquals(Optional.of(ReplyStatus.Reason.NO_SPEAKER), refused.reason());
                assertFalse(agent.status().replies().speaker());
            }
        } finally {
            Closing.all(agent, broker);
        }
    }

    /** Waits for the speaker to start sounding after {@code sinceMs}; returns when it did. */
    static long awaitOnset(SoundProbe speaker, long sinceMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 8000;
        while (System.currentTimeMillis() < deadline) {
            Optional<Long> onset = speaker.onsets().stream().filter(t -> t >= sinceMs).findFirst();
            if (onset.isPresent()) {
                return onset.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("nothing was heard at the doorbell's speaker within 8 s; onsets: " + speaker.onsets());
    }

    /** A mono 16-bit PCM WAV of a {@code hz} tone, {@code ms} long. */
    static byte[] toneWav(int hz, int rate, int ms) {
        int samples = rate * ms / 1000;
        ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + samples * 2).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2)
                .putShort((short) 2).putShort((short) 16);
        b.putInt(0x61746164).putInt(samples * 2);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) (Math.sin(2 * Math.PI * hz * i / rate) * 12000));
        }
        return b.array();
    }
}
