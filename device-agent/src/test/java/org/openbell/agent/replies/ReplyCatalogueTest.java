package org.openbell.agent.replies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.signaling.QuickReply;
import org.openbell.signaling.ReplyStatus;

/** Issue 15: which files become quick replies, and what is refused with a reason. */
class ReplyCatalogueTest {

    @TempDir
    Path folder;

    /** A WAV: format, channels, rate, bits, then {@code dataBytes} of samples. */
    static byte[] wav(int format, int channels, int rate, int bits, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + dataBytes).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(16).putShort((short) format).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * bits / 8).putShort((short) (channels * bits / 8)).putShort((short) bits);
        b.putInt(0x61746164).putInt(dataBytes);
        return b.array();
    }

    @Test
    void theShippedRepliesAreInTheBuildAndSpeak() {
        ReplyCatalogue catalogue = ReplyCatalogue.load(folder.resolve("none"));
        assertEquals(List.of("leave-at-door", "coming", "cannot-come", "no-thanks"),
                catalogue.list().stream().map(QuickReply::replyId).toList(), "made by espeak-ng at build time (device-agent/replies)");
        for (QuickReply reply : catalogue.list()) {
            WavSound sound = catalogue.find(reply.replyId()).orElseThrow().sound();
            assertTrue(sound.duration().compareTo(Duration.ofMillis(800)) > 0 && sound.duration().compareTo(Duration.ofSeconds(8)) < 0,
                    reply.replyId() + ": " + sound.duration());
            assertTrue(loudest(sound.pcm()) > 3000, reply.replyId() + " is audible");
        }
    }

    @Test
    void anOwnersFilesJoinNamedByTheirFileNamesAndBadOnesAreSkipped() throws Exception {
        Files.write(folder.resolve("Back-in-five_minutes.wav"), wav(1, 1, 16000, 16, 32000));
        Files.write(folder.resolve("coming.WAV"), wav(1, 2, 48000, 16, 19200)); // replaces the shipped "coming"
        Files.write(folder.resolve("float.wav"), wav(3, 1, 16000, 32, 6400));
        Files.write(folder.resolve("eight-bit.wav"), wav(1, 1, 16000, 8, 1600));
        Files.write(folder.resolve("too-fast.wav"), wav(1, 1, 96000, 16, 1920));
        Files.write(folder.resolve("long.wav"), wav(1, 1, 8000, 16, 8000 * 2 * 31));
        Files.write(folder.resolve("empty.wav"), wav(1, 1, 16000, 16, 0));
        Files.write(folder.resolve("song.mp3"), new byte[] {(byte) 0xff, (byte) 0xfb, 0, 0});
        Files.writeString(folder.resolve("garbage.wav"), "RIFF? no");
        Files.write(folder.resolve("---.wav"), wav(1, 1, 16000, 16, 3200));
        ReplyCatalogue catalogue = ReplyCatalogue.load(folder);
        assertEquals(List.of("leave-at-door", "coming", "cannot-come", "no-thanks", "back-in-five-minutes"),
                catalogue.list().stream().map(QuickReply::replyId).toList());
        assertEquals("Back in five minutes", catalogue.find("back-in-five-minutes").orElseThrow().reply().label());
        assertEquals("Coming", catalogue.find("coming").orElseThrow().reply().label(), "the owner's file replaced the shipped one");
        assertEquals(48000, catalogue.find("coming").orElseThrow().sound().rate());
        assertEquals(Optional.of("back-in-five-minutes"), catalogue.byLabel("Back in five minutes").map(ReplySound::id));
    }

    @Test
    void noMoreThanTwelveReplies() throws Exception {
        for (int i = 0; i < 12; i++) {
            Files.write(folder.resolve("reply-" + (char) ('a' + i) + ".wav"), wav(1, 1, 8000, 16, 1600));
        }
        assertEquals(12, ReplyCatalogue.load(folder).list().size());
    }

    @Test
    void aWavIsReadChunkByChunk() {
        byte[] plain = wav(1, 1, 22050, 16, 4410);
        assertEquals(Duration.ofMillis(100), WavSound.read(plain).duration());
        // A LIST chunk (as sox and espeak-ng may write) before the data, with an odd size padded to even.
        ByteBuffer b = ByteBuffer.allocate(plain.length + 8 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(plain, 0, 36).putInt(0x5453494c).putInt(3).put(new byte[] {'a', 'b', 'c', 0}).put(plain, 36, plain.length - 36);
        assertEquals(4410, WavSound.read(b.array()).pcm().length);
        assertThrows(IllegalArgumentException.class, () -> WavSound.read(new byte[10]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WavSound.read(wav(3, 1, 16000, 32, 64)));
        assertTrue(e.getMessage().contains("16-bit PCM"), e.getMessage());
    }

    @Test
    void idsAndLabelsFromFileNames() {
        assertEquals("back-at-5", ReplyCatalogue.idOf("Back at 5!"));
        assertEquals("Back at 5!", ReplyCatalogue.labelOf("back_at_5!"));
        assertEquals(40, ReplyCatalogue.labelOf("x".repeat(80)).length());
        assertThrows(IllegalArgumentException.class, () -> ReplyCatalogue.idOf("!!!"));
    }

    @Test
    void withoutASpeakerOrForAStrangerNothingPlays() {
        QuickReplies headless = QuickReplies.open(folder, false, Path.of("/usr/bin/pacat"), Optional.empty(), owner -> true,
                Clock.systemUTC());
        assertEquals(Optional.of(ReplyStatus.Reason.NO_SPEAKER), headless.play("coming", "alice", "app").join());
        assertEquals(Optional.of(ReplyStatus.Reason.UNKNOWN_REPLY), headless.play("sing", "alice", "app").join());
        QuickReplies paired = QuickReplies.open(folder, false, Path.of("/usr/bin/pacat"), Optional.empty(),
                owner -> owner.equals("alice"), Clock.systemUTC());
        assertEquals(Optional.of(ReplyStatus.Reason.NOT_PAIRED), paired.play("coming", "mallory", "app").join());
        assertEquals(Optional.of(ReplyStatus.Reason.NO_SPEAKER), paired.play("coming", "home-assistant", "home-assistant").join(),
                "Home Assistant is not an owner, and needs no pairing");
    }

    private static int loudest(byte[] pcm) {
        int max = 0;
        for (int i = 0; i + 1 < pcm.length; i += 2) {
            max = Math.max(max, Math.abs((short) ((pcm[i] & 0xff) | (pcm[i + 1] << 8))));
        }
        return max;
    }
}
