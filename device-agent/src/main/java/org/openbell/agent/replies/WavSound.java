package org.openbell.agent.replies;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;

/**
 * A quick reply's sound: 16-bit PCM samples read from a WAV file (RIFF, {@code fmt } PCM or
 * WAVE_FORMAT_EXTENSIBLE with PCM, 1 or 2 channels, 8-48 kHz, at most {@link #MAX_SECONDS} s).
 * Anything else is refused with what is wrong with it, so a bad file in the replies folder is named
 * at start, not found out when a visitor is waiting.
 */
public record WavSound(int rate, int channels, byte[] pcm) {

    public static final int MAX_SECONDS = 30;

    public WavSound {
        if (rate < 8000 || rate > 48000 || channels < 1 || channels > 2 || pcm.length % (2 * channels) != 0) {
            throw new IllegalArgumentException("unsupported sound: " + rate + " Hz, " + channels + " channels");
        }
    }

    /** How long it plays. */
    public Duration duration() {
        return Duration.ofMillis(pcm.length / (2L * channels) * 1000 / rate);
    }

    /** Reads a WAV file's bytes; throws {@link IllegalArgumentException} saying what is wrong. */
    public static WavSound read(byte[] file) {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file.length < 12 || in.getInt(0) != 0x46464952 /* RIFF */ || in.getInt(8) != 0x45564157 /* WAVE */) {
            throw new IllegalArgumentException("not a WAV file (no RIFF/WAVE header)");
        }
        int at = 12;
        int rate = 0;
        int channels = 0;
        while (at + 8 <= file.length) {
            int id = in.getInt(at);
            long size = Integer.toUnsignedLong(in.getInt(at + 4));
            int body = at + 8;
            if (size > file.length - body) {
                size = file.length - body; // a truncated last chunk (or a streamed WAV's 0xFFFFFFFF): what is there
            }
            if (id == 0x20746d66 /* "fmt " */) {
                if (size < 16) {
                    throw new IllegalArgumentException("a fmt chunk of " + size + " bytes");
                }
                int format = Short.toUnsignedInt(in.getShort(body));
                channels = Short.toUnsignedInt(in.getShort(body + 2));
                rate = in.getInt(body + 4);
                int bits = Short.toUnsignedInt(in.getShort(body + 14));
                boolean pcm = format == 1 || format == 0xFFFE && size >= 26 && Short.toUnsignedInt(in.getShort(body + 24)) == 1;
                if (!pcm || bits != 16) {
                    throw new IllegalArgumentException("not 16-bit PCM (format " + format + ", " + bits
                            + " bits): convert it, e.g. sox in.wav -b 16 -e signed-integer out.wav");
                }
                if (channels < 1 || channels > 2 || rate < 8000 || rate > 48000) {
                    throw new IllegalArgumentException(channels + " channels at " + rate + " Hz (1-2 channels, 8000-48000 Hz)");
                }
            } else if (id == 0x61746164 /* data */) {
                if (rate == 0) {
                    throw new IllegalArgumentException("the data comes before the fmt chunk");
                }
                int frame = 2 * channels;
                long usable = size / frame * frame;
                if (usable == 0) {
                    throw new IllegalArgumentException("no samples");
                }
                if (usable / frame > (long) MAX_SECONDS * rate) {
                    throw new IllegalArgumentException("longer than " + MAX_SECONDS + " s");
                }
                return new WavSound(rate, channels, Arrays.copyOfRange(file, body, body + (int) usable));
            }
            at = body + (int) size + (int) (size & 1); // chunks are padded to even sizes
        }
        throw new IllegalArgumentException(rate == 0 ? "no fmt chunk" : "no data chunk");
    }
}
