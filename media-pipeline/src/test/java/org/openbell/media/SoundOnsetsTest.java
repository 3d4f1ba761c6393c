package org.openbell.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SoundOnsetsTest {

    @Test
    void soundAfterAQuietSpellIsAnOnsetAndSoundAfterAShortPauseIsNot() {
        SoundOnsets onsets = new SoundOnsets();
        onsets.level(0, 1_000);
        onsets.level(5_000, 1_400); // 400 ms of quiet before: an onset
        onsets.level(5_000, 1_410);
        onsets.level(0, 1_500);
        onsets.level(5_000, 1_700); // only 200 ms of quiet: the same sound going on
        onsets.level(0, 1_800);
        onsets.level(5_000, 2_200); // 400 ms again
        assertEquals(List.of(1_400L, 2_200L), onsets.onsets());
    }

    @Test
    void theFirstSoundNeedsQuietBeforeIt() {
        SoundOnsets onsets = new SoundOnsets();
        onsets.level(5_000, 1_000); // nothing heard before: not a timed onset
        assertEquals(List.of(), onsets.onsets());
    }

    @Test
    void rmsOfTheFirstChannel() {
        byte[] stereo = {(byte) 0xE8, 0x03, 0, 0, 0x18, (byte) 0xFC, 0, 0}; // 1000 and -1000 on the left
        assertEquals(1000.0, SoundOnsets.rms(stereo, 2, 2), 1e-9);
    }
}
