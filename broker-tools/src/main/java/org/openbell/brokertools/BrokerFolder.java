package org.openbell.brokertools;

import org.openbell.signaling.access.BrokerAccess;
import org.openbell.signaling.access.MosquittoPasswords;
import org.openbell.signaling.access.AtomicFiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openbell.signaling.Topics;

/**
 * The broker's Openbell folder and how its files are made:
 * <ul>
 *   <li>{@code access.json}: the doorbells and hand-configured owners, written by {@code scripts/broker-config};</li>
 *   <li>{@code paired-owners.json}: owners doorbells paired, written by the {@link Registrar};</li>
 *   <li>{@code passwd} and {@code acl}: rendered from both, read by Mosquitto;</li>
 *   <li>{@code credentials/<account>}: the passwords of the hand-configured accounts (mode 600), to
 *       copy to each doorbell; paired owners have none here (only their doorbell and phone know it).</li>
 * </ul>
 * Every file is replaced atomically. A paired owner whose doorbell is no longer configured is
 * left out of {@code passwd} and {@code acl}.
 */
public final class BrokerFolder {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    private BrokerFolder(Path dir) {
        this.dir = dir;
    }

    public static BrokerFolder at(Path dir) {
        return new BrokerFolder(dir.toAbsolutePath());
    }

    public Path dir() {
        return dir;
    }

    /** Saves the hand-configured access (broker-config's part). */
    public void saveConfigured(BrokerAccess access) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("topicPrefix", access.topics().prefix());
        access.doorbells().stream().sorted().forEach(root.putArray("doorbells")::add);
        ObjectNode owners = root.putObject("owners");
        new TreeMap<>(access.pairings()).forEach((owner, doorbells) -> doorbells.stream().sorted().forEach(owners.withArray(owner)::add));
        ObjectNode homeAssistants = root.putObject("homeAssistants");
        new TreeMap<>(access.homeAssistants()).forEach((ha, doorbells) -> doorbells.stream().sorted().forEach(homeAssistants.withArray(ha)::add));
        root.put("discoveryPrefix", access.discoveryPrefix());
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve("access.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n", false);
    }

    /** The hand-configured access, as broker-config last saved it. */
    public BrokerAccess configured() throws IOException {
        Path file = dir.resolve("access.json");
        if (!Files.exists(file)) {
            throw new IOException(file + " is missing: run scripts/broker-config first");
        }
        JsonNode root = JSON.readTree(file.toFile());
        BrokerAccess access = BrokerAccess.of(new Topics(root.path("topicPrefix").asText("openbell")));
        for (JsonNode doorbell : root.path("doorbells")) {
            access = access.withDoorbell(doorbell.asText());
        }
        for (Map.Entry<String, JsonNode> owner : root.path("owners").properties()) {
            List<String> doorbells = new ArrayList<>();
            owner.getValue().forEach(d -> doorbells.add(d.asText()));
            access = access.withOwner(owner.getKey(), doorbells);
        }
        access = access.withDiscoveryPrefix(root.path("discoveryPrefix").asText(BrokerAccess.DEFAULT_DISCOVERY_PREFIX));
        for (Map.Entry<String, JsonNode> ha : root.path("homeAssistants").properties()) {
            List<String> doorbells = new ArrayList<>();
            ha.getValue().forEach(d -> doorbells.add(d.asText()));
            access = access.withHomeAssistant(ha.getKey(), doorbells);
        }
        return access;
    }

    public PairedOwners paired() throws IOException {
        Path file = dir.resolve("paired-owners.json");
        if (!Files.exists(file)) {
            return PairedOwners.none();
        }
        Map<String, PairedOwners.Owner> owners = new TreeMap<>();
        for (Map.Entry<String, JsonNode> owner : JSON.readTree(file.toFile()).properties()) {
            JsonNode o = owner.getValue();
            owners.put(owner.getKey(), new PairedOwners.Owner(o.path("deviceId").asText(), o.path("passwordHash").asText(),
                    Instant.ofEpochMilli(o.path("pairedAt").asLong())));
        }
        return new PairedOwners(owners);
    }

    public void savePaired(PairedOwners paired) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        new TreeMap<>(paired.owners()).forEach((id, o) -> root.putObject(id).put("deviceId", o.deviceId())
                .put("passwordHash", o.passwordHash()).put("pairedAt", o.pairedAt().toEpochMilli()));
        AtomicFiles.write(dir.resolve("paired-owners.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n", true);
    }

    /**
     * Writes {@code passwd} and {@code acl} from the configured access and {@code paired}; creates
     * passwords for configured accounts that have none yet and deletes those of removed accounts.
     */
    public void render(PairedOwners paired) throws IOException {
        BrokerAccess configured = configured();
        Path credentials = Files.createDirectories(dir.resolve("credentials"));
        StringBuilder passwd = new StringBuilder();
        for (String account : configured.accounts()) {
            Path file = credentials.resolve(account);
            String password = Files.exists(file) ? Files.readString(file).trim() : MosquittoPasswords.newPassword();
            if (!Files.exists(file)) {
                AtomicFiles.write(file, password + "\n", true);
            }
            passwd.append(MosquittoPasswords.entry(account, password)).append('\n');
        }
        try (var existing = Files.list(credentials)) {
            for (Path file : existing.toList()) {
                if (!configured.accounts().contains(file.getFileName().toString())) {
                    Files.delete(file); // an account removed from the configuration
                }
            }
        }
        BrokerAccess all = configured;
        for (Map.Entry<String, PairedOwners.Owner> owner : new TreeMap<>(paired.owners()).entrySet()) {
            String deviceId = owner.getValue().deviceId();
            if (configured.doorbells().contains(deviceId) && !configured.pairings().containsKey(owner.getKey())) {
                all = all.withOwner(owner.getKey(), List.of(deviceId));
                passwd.append(MosquittoPasswords.entryWithHash(BrokerAccess.OWNER_PREFIX + owner.getKey(),
                        owner.getValue().passwordHash())).append('\n');
            }
        }
        AtomicFiles.write(dir.resolve("passwd"), passwd.toString(), false); // hashes only; the broker's user must read it
        AtomicFiles.write(dir.resolve("acl"), all.mosquittoAcl(), false);
    }
}
