package org.openbell.agent.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openbell.signaling.access.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The phones that get rings by Web Push, per owner, kept in {@code push/subscriptions.json} in the
 * state directory (mode 600: an endpoint and its keys let anyone wake that phone) and replaced
 * atomically on every change. Each owner has at most {@link #PER_OWNER} subscriptions (the LAN
 * page, the hosted app, a second browser...): a new one beyond that replaces their oldest. A file
 * that cannot be read is left as it is, logged, and changes are refused; rings still ring.
 */
public final class PushSubscriptions {

    private static final Logger log = LoggerFactory.getLogger(PushSubscriptions.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final int PER_OWNER = 4;

    private final Path file;
    /** By endpoint, in the order they were registered. */
    private final Map<String, PushSubscription> byEndpoint = new LinkedHashMap<>();
    private final Optional<String> unreadable;

    private PushSubscriptions(Path file, Optional<String> unreadable) {
        this.file = file;
        this.unreadable = unreadable;
    }

    public static PushSubscriptions open(Path file) {
        if (!Files.exists(file)) {
            return new PushSubscriptions(file, Optional.empty());
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            PushSubscriptions store = new PushSubscriptions(file, Optional.empty());
            for (JsonNode s : root.path("subscriptions")) {
                PushSubscription sub = new PushSubscription(s.path("ownerId").asText(), s.path("endpoint").asText(),
                        s.path("p256dh").asText(), s.path("auth").asText(), Instant.ofEpochMilli(s.path("since").asLong()));
                store.byEndpoint.put(sub.endpoint(), sub);
            }
            return store;
        } catch (IOException | RuntimeException e) {
            String why = file + " cannot be read (" + e.getMessage() + "): push subscriptions cannot change until it is fixed";
            log.error("{}", why);
            return new PushSubscriptions(file, Optional.of(why));
        }
    }

    public synchronized List<PushSubscription> all() {
        return List.copyOf(byEndpoint.values());
    }

    public synchronized int size() {
        return byEndpoint.size();
    }

    public synchronized List<PushSubscription> of(String ownerId) {
        return byEndpoint.values().stream().filter(s -> s.ownerId().equals(ownerId)).toList();
    }

    /**
     * Adds or renews {@code subscription}. An endpoint another owner registered is taken over by
     * this one (the browser made it; whoever holds it is that phone's owner now).
     */
    public synchronized void add(PushSubscription subscription) throws IOException {
        Map<String, PushSubscription> next = new LinkedHashMap<>(byEndpoint);
        next.remove(subscription.endpoint());
        List<PushSubscription> mine = new ArrayList<>(next.values().stream()
                .filter(s -> s.ownerId().equals(subscription.ownerId())).sorted(Comparator.comparing(PushSubscription::since)).toList());
        while (mine.size() >= PER_OWNER) {
            PushSubscription oldest = mine.removeFirst();
            next.remove(oldest.endpoint());
            log.info("Push: owner {} has {} subscriptions; the oldest ({}) is replaced", subscription.ownerId(), PER_OWNER, oldest.service());
        }
        next.put(subscription.endpoint(), subscription);
        save(next);
    }

    /** Removes {@code endpoint} if {@code ownerId} registered it; true if it was there. */
    public synchronized boolean remove(String ownerId, String endpoint) throws IOException {
        return removeWhere(s -> s.endpoint().equals(endpoint) && s.ownerId().equals(ownerId)) > 0;
    }

    /** Drops a subscription the push service said is gone (404/410), whoever registered it. */
    public synchronized boolean drop(String endpoint) throws IOException {
        return removeWhere(s -> s.endpoint().equals(endpoint)) > 0;
    }

    /** Forgets every subscription of a removed phone; returns how many. */
    public synchronized int forgetOwner(String ownerId) throws IOException {
        return removeWhere(s -> s.ownerId().equals(ownerId));
    }

    /** Removes the subscriptions {@code which} matches and saves, if any; returns how many. */
    private int removeWhere(java.util.function.Predicate<PushSubscription> which) throws IOException {
        Map<String, PushSubscription> next = new LinkedHashMap<>(byEndpoint);
        next.values().removeIf(which);
        int removed = byEndpoint.size() - next.size();
        if (removed > 0) {
            save(next);
        }
        return removed;
    }

    private void save(Map<String, PushSubscription> next) throws IOException {
        if (unreadable.isPresent()) {
            throw new IOException(unreadable.get());
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("subscriptions");
        next.values().forEach(s -> list.addObject().put("ownerId", s.ownerId()).put("endpoint", s.endpoint())
                .put("p256dh", s.p256dh()).put("auth", s.auth()).put("since", s.since().toEpochMilli()));
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n", true);
        byEndpoint.clear();
        byEndpoint.putAll(next);
    }
}
