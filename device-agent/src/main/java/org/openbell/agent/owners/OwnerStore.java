package org.openbell.agent.owners;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.openbell.signaling.access.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The phones paired with this doorbell, kept in {@code owners.json} in the state directory and
 * replaced atomically on every change. A file that cannot be read is left as it is (the error is
 * logged) and the store refuses changes, so nothing is lost; the doorbell keeps ringing.
 */
public final class OwnerStore {

    private static final Logger log = LoggerFactory.getLogger(OwnerStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, Owner> owners = new TreeMap<>();
    private final Optional<String> unreadable;

    private OwnerStore(Path file, Optional<String> unreadable) {
        this.file = file;
        this.unreadable = unreadable;
    }

    public static OwnerStore open(Path file) {
        if (!Files.exists(file)) {
            return new OwnerStore(file, Optional.empty());
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            List<Owner> read = new ArrayList<>();
            for (JsonNode o : root.path("owners")) {
                read.add(new Owner(o.path("id").asText(), o.path("name").asText(), o.path("passwordHash").asText(),
                        Instant.ofEpochMilli(o.path("pairedAt").asLong())));
            }
            OwnerStore store = new OwnerStore(file, Optional.empty());
            read.forEach(o -> store.owners.put(o.id(), o));
            return store;
        } catch (IOException | RuntimeException e) {
            String why = file + " cannot be read (" + e.getMessage() + "): paired phones cannot be checked or changed until it is fixed";
            log.error("{}", why);
            return new OwnerStore(file, Optional.of(why));
        }
    }

    /** Why the store refuses changes, if its file could not be read. */
    public Optional<String> unreadable() {
        return unreadable;
    }

    public synchronized List<Owner> owners() {
        return List.copyOf(owners.values());
    }

    public synchronized Optional<Owner> find(String id) {
        return Optional.ofNullable(owners.get(id));
    }

    public synchronized void add(Owner owner) throws IOException {
        Map<String, Owner> next = new TreeMap<>(owners);
        next.put(owner.id(), owner);
        save(next);
    }

    public synchronized void remove(String id) throws IOException {
        Map<String, Owner> next = new TreeMap<>(owners);
        next.remove(id);
        save(next);
    }

    private void save(Map<String, Owner> next) throws IOException {
        if (unreadable.isPresent()) {
            throw new IOException(unreadable.get());
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("owners");
        next.values().forEach(o -> list.addObject().put("id", o.id()).put("name", o.name())
                .put("passwordHash", o.passwordHash()).put("pairedAt", o.pairedAt().toEpochMilli()));
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n", true);
        owners.clear();
        owners.putAll(next);
    }
}
