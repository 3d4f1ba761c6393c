package org.openbell.agent.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.openbell.agent.config.AgentConfig;
import org.openbell.agent.ring.RingListener;
import org.openbell.agent.ring.RingSnapshot;
import org.openbell.agent.ring.RingState;
import org.openbell.signaling.History;
import org.openbell.signaling.HistoryDelete;
import org.openbell.signaling.HistoryRequest;
import org.openbell.signaling.Message;
import org.openbell.signaling.RingEnded;
import org.openbell.signaling.Visit;
import org.openbell.signaling.WireEnum;
import org.openbell.signaling.access.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The doorbell's visit history: every ring that ended, with when it was pressed, how often and
 * how it ended (answered or declined by whom, or missed), newest first, at most
 * {@code history.maxVisits} and none older than {@code history.maxAge}. Kept in one JSON file in
 * the state folder, rewritten whole and atomically (a temporary file renamed over it) after each
 * change, off the ring thread, so a power cut leaves the old list or the new one, never half of
 * one; an unreadable file is set aside ({@code .unreadable}) and the history starts empty.
 * Owners read and delete it over MQTT ({@code history-request}, {@code history-delete}).
 */
public final class VisitHistory implements RingListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VisitHistory.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final AgentConfig.HistoryConfig config;
    private final Clock clock;
    private final String deviceId;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("openbell-visit-history").factory());
    /** Newest first. Guarded by this. */
    private final List<Visit> visits = new ArrayList<>();

    private VisitHistory(Path file, AgentConfig.HistoryConfig config, Clock clock, String deviceId) {
        this.file = file;
        this.config = config;
        this.clock = clock;
        this.deviceId = deviceId;
    }

    /** The history kept in {@code file} (none yet: empty). */
    public static VisitHistory open(Path file, AgentConfig.HistoryConfig config, Clock clock, String deviceId) {
        VisitHistory history = new VisitHistory(file, config, clock, deviceId);
        history.load();
        return history;
    }

    private void load() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            log.warn("Visit history {} could not be read ({}): starting empty", file, e.toString());
            return;
        }
        try {
            JsonNode root = JSON.readTree(bytes);
            int skipped = 0;
            for (JsonNode v : root.path("visits")) {
                Optional<Visit> visit = fromJson(v);
                if (visit.isPresent()) {
                    visits.add(visit.get());
                } else {
                    skipped++;
                }
            }
            if (!root.path("visits").isArray()) {
                throw new IOException("no visits list");
            }
            if (skipped > 0) {
                log.warn("Visit history {}: {} unreadable entries left out", file, skipped);
            }
            visits.sort((a, b) -> b.at().compareTo(a.at()));
            prune();
            log.info("Visit history: {} visit(s) kept", visits.size());
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".unreadable");
            log.warn("Visit history {} is not readable ({}): set aside as {}, starting empty", file, e.toString(), aside);
            visits.clear();
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                log.warn("Could not set the unreadable history aside: {}", moveFailed.toString());
            }
        }
    }

    /** A ring ended: it joins the history (on the ring thread; the file is written off it). */
    @Override
    public void onTransition(RingState from, RingState to, RingSnapshot snapshot) {
        if (to != RingState.ANSWERED && to != RingState.DECLINED && to != RingState.TIMED_OUT) {
            return;
        }
        Optional<RingEnded> ended = snapshot.lastEnded();
        if (ended.isEmpty() || snapshot.ringStartedAt().isEmpty()) {
            return;
        }
        RingEnded e = ended.get();
        add(new Visit(e.ringId(), snapshot.ringStartedAt().get(), Math.max(1, snapshot.presses()), e.outcome(), e.by()));
    }

    synchronized void add(Visit visit) {
        visits.removeIf(v -> v.ringId().equals(visit.ringId()));
        visits.addFirst(visit);
        prune();
        save();
    }

    /** The visits kept now, newest first. */
    public synchronized List<Visit> visits() {
        if (prune()) {
            save();
        }
        return List.copyOf(visits);
    }

    /** Deletes these rings' visits; returns how many there were. */
    public synchronized int delete(Collection<String> ringIds) {
        Set<String> gone = new HashSet<>(ringIds);
        int before = visits.size();
        visits.removeIf(v -> gone.contains(v.ringId()));
        int deleted = before - visits.size();
        if (deleted > 0) {
            save();
        }
        return deleted;
    }

    /** Replies to one owner are at least this far apart; requests meanwhile get one reply, when it is due. */
    static final long OWNER_SPACING_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Replies to all owners together: at most this many per second (on an open broker, anyone can name any owner). */
    static final int REPLIES_PER_SECOND = 5;
    /** Owners waiting for a deferred reply at most; requests from more are refused. */
    static final int MAX_WAITING = 100;
    private final java.util.concurrent.ScheduledExecutorService replies = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("openbell-history-replies").factory());
    /** Guarded by this. */
    private final java.util.Map<String, Long> lastReplyTo = new java.util.HashMap<>();
    /** Owner -> the request id a deferred reply will answer (the latest). Guarded by this. */
    private final java.util.Map<String, String> waiting = new java.util.HashMap<>();
    private long windowStart = Long.MIN_VALUE / 2;
    private int windowReplies;
    private long refused;

    /**
     * An owner's {@code history-request} or {@code history-delete}: answered with the history (as it
     * is after the deletion) to that owner, through {@code reply}. A flood of requests must not fill
     * the MQTT outbox with 20 KB replies (a full outbox drops its oldest message, which may be a
     * ring): replies to one owner go out at least a second apart and at most five per second in all;
     * requests in between are answered by one reply when it is due (with the latest request id);
     * past {@link #MAX_WAITING} waiting owners, requests are refused and counted. Deletions always apply.
     */
    public void ownerMessage(String owner, Message message, BiConsumer<String, Message> reply) {
        String requestId;
        switch (message) {
            case HistoryRequest r -> requestId = r.requestId();
            case HistoryDelete d -> {
                int deleted = delete(d.ringIds());
                log.info("Owner {} deleted {} visit(s) from the history", owner, deleted);
                requestId = d.requestId();
            }
            default -> {
                log.warn("Ignored {} from owner {}: not a history message", message.type().wireName(), owner);
                return;
            }
        }
        answer(owner, requestId, reply);
    }

    private void answer(String owner, String requestId, BiConsumer<String, Message> reply) {
        long wait;
        synchronized (this) {
            if (waiting.containsKey(owner)) {
                waiting.put(owner, requestId); // a reply is already due: it will answer this request
                return;
            }
            wait = waitBeforeReply(owner, System.nanoTime());
            if (wait > 0) {
                if (waiting.size() >= MAX_WAITING) {
                    refused++;
                    if (refused == 1 || refused % 1000 == 0) {
                        log.warn("History requests too frequent: {} refused so far (the latest from owner {})", refused,
                                org.openbell.signaling.LogSafe.text(owner, 64));
                    }
                    return;
                }
                waiting.put(owner, requestId);
            }
        }
        if (wait > 0) {
            try {
                replies.schedule(() -> deferred(owner, reply), wait, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                log.debug("Visit history closed; no deferred reply");
            }
            return;
        }
        reply.accept(owner, new History(deviceId, requestId, visits(), clock.instant()));
    }

    private void deferred(String owner, BiConsumer<String, Message> reply) {
        String requestId;
        long wait;
        synchronized (this) {
            wait = waitBeforeReply(owner, System.nanoTime());
            requestId = wait > 0 ? null : waiting.remove(owner);
        }
        if (wait > 0) {
            replies.schedule(() -> deferred(owner, reply), wait, TimeUnit.NANOSECONDS);
        } else if (requestId != null) {
            reply.accept(owner, new History(deviceId, requestId, visits(), clock.instant()));
        }
    }

    /** 0 when a reply to {@code owner} may go now (and it is counted as gone), else how long until it may. */
    synchronized long waitBeforeReply(String owner, long now) {
        long second = TimeUnit.SECONDS.toNanos(1);
        if (now - windowStart >= second) {
            windowStart = now;
            windowReplies = 0;
        }
        Long last = lastReplyTo.get(owner);
        long ownerWait = last == null ? 0 : Math.max(0, last + OWNER_SPACING_NANOS - now);
        long globalWait = windowReplies < REPLIES_PER_SECOND ? 0 : windowStart + second - now;
        long wait = Math.max(ownerWait, globalWait);
        if (wait > 0) {
            return wait;
        }
        if (lastReplyTo.size() > 10_000) {
            lastReplyTo.clear(); // owner ids on an open broker are anyone's to make up: keep the map small
        }
        lastReplyTo.put(owner, now);
        windowReplies++;
        return 0;
    }

    /** History requests refused for coming too often, since the start. */
    public synchronized long refusedRequests() {
        return refused;
    }

    /** Drops what is over the count or the age; true if anything went. */
    private boolean prune() {
        int before = visits.size();
        Instant oldest = clock.instant().minus(config.maxAge());
        visits.removeIf(v -> v.at().isBefore(oldest));
        while (visits.size() > config.maxVisits()) {
            visits.removeLast();
        }
        return visits.size() != before;
    }

    private volatile java.util.function.Consumer<Set<String>> onKept = ids -> { };

    /** Told, after every change, which rings the history now keeps (the pictures of others are deleted); and now. */
    public synchronized void onKept(java.util.function.Consumer<Set<String>> listener) {
        onKept = listener;
        listener.accept(ringIds());
    }

    private Set<String> ringIds() {
        Set<String> ids = new HashSet<>();
        visits.forEach(v -> ids.add(v.ringId()));
        return ids;
    }

    /** Writes the current list, whole, off the calling thread (in order: each write is the newest list). */
    private void save() {
        onKept.accept(ringIds());
        byte[] content = toJson(List.copyOf(visits));
        try {
            writer.execute(() -> {
                try {
                    AtomicFiles.write(file, content, false);
                } catch (IOException e) {
                    log.error("Visit history not saved ({}): it is kept in memory until the next change", e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("Visit history closed; not saved");
        }
    }

    private static byte[] toJson(List<Visit> visits) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("visits");
        for (Visit v : visits) {
            ObjectNode o = list.addObject();
            o.put("ringId", v.ringId());
            o.put("at", v.at().toEpochMilli());
            o.put("presses", v.presses());
            o.put("outcome", v.outcome().wireName());
            v.by().ifPresent(by -> o.put("by", by));
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Visit> fromJson(JsonNode v) {
        try {
            var outcome = WireEnum.parse(RingEnded.Outcome.class, v.path("outcome").asText());
            if (outcome.isEmpty() || !v.path("at").canConvertToLong() || !v.path("presses").canConvertToInt()) {
                return Optional.empty();
            }
            return Optional.of(new Visit(v.path("ringId").asText(), Instant.ofEpochMilli(v.path("at").asLong()),
                    v.path("presses").asInt(), outcome.get(),
                    v.hasNonNull("by") ? Optional.of(v.get("by").asText()) : Optional.empty()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Waits for the writes already asked for (tests, and closing). */
    public void flush() {
        try {
            writer.submit(() -> { }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Visit history writes did not finish: {}", e.toString());
        }
    }

    @Override
    public void close() {
        replies.shutdownNow();
        flush();
        writer.shutdown();
    }
}
