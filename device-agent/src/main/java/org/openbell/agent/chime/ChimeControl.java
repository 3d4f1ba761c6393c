package org.openbell.agent.chime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.openbell.agent.config.AgentConfig;
import org.openbell.hardware.Chime;
import org.openbell.signaling.access.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chime as rings use it: the board's chime, unless it is switched silent (by Home Assistant,
 * kept across restarts in {@code stateDir/chime-silent}) or the time is in {@code ring.quietHours}.
 * A silent chime changes nothing else: the ring reaches the phones as always.
 */
public final class ChimeControl implements Chime {

    private static final Logger log = LoggerFactory.getLogger(ChimeControl.class);

    private final Chime chime;
    private final Path file;
    private final Optional<AgentConfig.QuietHours> quietHours;
    private final Clock clock;
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean silent;

    public ChimeControl(Chime chime, Path file, Optional<AgentConfig.QuietHours> quietHours, Clock clock) {
        this.chime = chime;
        this.file = file;
        this.quietHours = quietHours;
        this.clock = clock;
        try {
            silent = Files.readString(file).strip().equals("silent");
        } catch (NoSuchFileException e) {
            silent = false;
        } catch (IOException e) {
            log.warn("Chime: {} unreadable ({}); the chime sounds", file, e.toString());
        }
        if (silent) {
            log.info("Chime: switched silent (a ring still reaches the phones)");
        }
    }

    @Override
    public void ring() {
        if (silent) {
            log.info("Chime silent (switched off): the ring goes to the phones only");
            return;
        }
        if (quietNow()) {
            log.info("Chime silent (quiet hours {}): the ring goes to the phones only", quietHours.get());
            return;
        }
        chime.ring();
    }

    /** Whether the chime is switched silent (not counting quiet hours). */
    public boolean silent() {
        return silent;
    }

    /** Whether it is quiet hours now. */
    public boolean quietNow() {
        return quietHours.isPresent() && quietHours.get().contains(LocalTime.now(clock));
    }

    /** Switches the chime silent or back on; kept across restarts (a state folder that cannot be written: for this run). */
    public void setSilent(boolean value) {
        if (silent == value) {
            return;
        }
        silent = value;
        log.info("Chime switched {}", value ? "silent" : "on");
        try {
            AtomicFiles.write(file, value ? "silent\n" : "on\n", false);
        } catch (IOException e) {
            log.error("Chime: could not keep the setting in {} ({}); it holds until a restart", file, e.toString());
        }
        listeners.forEach(l -> l.accept(value));
    }

    /** Told of each switch. */
    public void onChange(Consumer<Boolean> listener) {
        listeners.add(listener);
    }
}
