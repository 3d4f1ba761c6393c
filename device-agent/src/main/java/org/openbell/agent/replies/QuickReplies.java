package org.openbell.agent.replies;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.openbell.signaling.QuickReply;
import org.openbell.signaling.ReplyStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quick replies (issue 15): an owner (from the ringing screen or a call) or Home Assistant picks
 * one and the doorbell plays it on its speaker at once, without a call. Off the ring path entirely:
 * {@link #play} returns at once and the sound starts on a thread of its own. At most one start a
 * second and {@link #MAX_PER_MINUTE} a minute; a new reply stops the one playing.
 */
public final class QuickReplies implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QuickReplies.class);
    static final Duration SPACING = Duration.ofSeconds(1);
    static final int MAX_PER_MINUTE = 20;

    /** A reply played: which, when, by whom ({@code app}: an owner id; {@code home-assistant}: its name). */
    public record Played(String replyId, Instant at, String by, String via) {
    }

    private final ReplyCatalogue catalogue;
    private final Optional<ReplyPlayer> player;
    private final Predicate<String> paired;
    private final Clock clock;
    private final Deque<Long> lastMinuteNanos = new ArrayDeque<>(); // guarded by this
    private Played last; // guarded by this

    QuickReplies(ReplyCatalogue catalogue, Optional<ReplyPlayer> player, Predicate<String> paired, Clock clock) {
        this.catalogue = catalogue;
        this.player = player;
        this.paired = paired;
        this.clock = clock;
    }

    /**
     * The doorbell's replies, played through the sound server at {@code pulseServer} (its default
     * when empty) with {@code pacat}; with {@code speaker} false (no sound, {@code media.audio:
     * headless}) every request is refused {@code no-speaker}.
     */
    public static QuickReplies open(Path ownFolder, boolean speaker, Path pacat, Optional<String> pulseServer,
            Predicate<String> paired, Clock clock) {
        ReplyCatalogue catalogue = ReplyCatalogue.load(ownFolder);
        Optional<ReplyPlayer> player = Optional.empty();
        if (!speaker) {
            log.info("Quick replies: no speaker (media.audio: headless); owners are told so when they pick one");
        } else if (!Files.isExecutable(pacat)) {
            log.warn("Quick replies: {} is missing (apt-get install pulseaudio-utils); they cannot play", pacat);
        } else {
            player = Optional.of(new ReplyPlayer(pacat, pulseServer));
        }
        return new QuickReplies(catalogue, player, paired, clock);
    }

    /** The replies owners may pick, in order. */
    public List<QuickReply> list() {
        return catalogue.list();
    }

    /** Whether replies can play here (a speaker and its player). */
    public boolean speaker() {
        return player.isPresent();
    }

    /** The last reply that played. */
    public synchronized Optional<Played> last() {
        return Optional.ofNullable(last);
    }

    /** The reply Home Assistant's select names by its label. */
    public Optional<String> idOfLabel(String label) {
        return catalogue.byLabel(label).map(ReplySound::id);
    }

    /**
     * Plays reply {@code replyId} for {@code by} via {@code via} ({@code app} or {@code home-assistant});
     * completes empty once it plays, else with why not. Never blocks.
     */
    public CompletableFuture<Optional<ReplyStatus.Reason>> play(String replyId, String by, String via) {
        Optional<ReplySound> reply = catalogue.find(replyId);
        Optional<ReplyStatus.Reason> refused = admit(reply, by, via);
        if (refused.isPresent()) {
            return CompletableFuture.completedFuture(refused);
        }
        Instant at = clock.instant();
        return player.get().play(reply.get()).thenApply(playing -> {
            if (!playing) {
                return Optional.of(ReplyStatus.Reason.NO_SPEAKER);
            }
            synchronized (this) {
                last = new Played(replyId, at, by, via);
            }
            log.info("Quick reply {} played for {} ({})", replyId, by, via);
            return Optional.empty();
        });
    }

    private synchronized Optional<ReplyStatus.Reason> admit(Optional<ReplySound> reply, String by, String via) {
        if (via.equals("app") && !paired.test(by)) {
            log.warn("Quick reply: refused to {}: not a paired owner", by);
            return Optional.of(ReplyStatus.Reason.NOT_PAIRED);
        }
        if (reply.isEmpty()) {
            log.info("Quick reply: {} ({}) asked for one this doorbell does not have", by, via);
            return Optional.of(ReplyStatus.Reason.UNKNOWN_REPLY);
        }
        if (player.isEmpty()) {
            return Optional.of(ReplyStatus.Reason.NO_SPEAKER);
        }
        long now = System.nanoTime();
        while (!lastMinuteNanos.isEmpty() && now - lastMinuteNanos.peekFirst() > Duration.ofMinutes(1).toNanos()) {
            lastMinuteNanos.pollFirst();
        }
        if (!lastMinuteNanos.isEmpty() && now - lastMinuteNanos.peekLast() < SPACING.toNanos()
                || lastMinuteNanos.size() >= MAX_PER_MINUTE) {
            log.info("Quick reply: refused to {} ({}): {} this minute", by, via, lastMinuteNanos.size());
            return Optional.of(ReplyStatus.Reason.TOO_SOON);
        }
        lastMinuteNanos.addLast(now);
        return Optional.empty();
    }

    @Override
    public void close() {
        player.ifPresent(ReplyPlayer::close);
    }
}
