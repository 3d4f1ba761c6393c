package org.openbell.signaling.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.openbell.signaling.Ids;
import org.openbell.signaling.Topics;

/**
 * Who may use the broker, and for what: each doorbell and each owner has its own broker account,
 * and the access list (Mosquitto {@code acl_file}) lets
 * <ul>
 *   <li>a doorbell write only its own subtree ({@code P/v1/doorbells/{id}/#}) and read only the
 *       commands owners send it ({@code P/v1/owners/+/doorbells/{id}});</li>
 *   <li>an owner read only the presence, push key, rings and their own call topic of the doorbells they are
 *       paired with, and write only their own command topic to each of those doorbells.</li>
 * </ul>
 * Nothing else: no wildcard reads across doorbells, and a doorbell knows who sent a command from
 * the topic, which only that owner's account may write. Anonymous clients are refused by the
 * broker configuration. Immutable; {@link #withOwner} and {@link #withoutOwner} return new values.
 */
public final class BrokerAccess {

    /** Account names: {@code doorbell.<deviceId>} and {@code owner.<ownerId>} (ids cannot contain dots). */
    public static final String DOORBELL_PREFIX = "doorbell.";
    public static final String OWNER_PREFIX = "owner.";
    /** The registrar's account: it applies the owner pairings doorbells ask for (see the registrar (broker-tools, {@code org.openbell.brokertools.Registrar})). */
    public static final String REGISTRAR = "openbell-registrar";
    /** Home Assistant accounts: {@code homeassistant.<name>}. */
    public static final String HOME_ASSISTANT_PREFIX = "homeassistant.";
    /** Home Assistant's default discovery prefix. */
    public static final String DEFAULT_DISCOVERY_PREFIX = "homeassistant";
    /** The commands Home Assistant may send a doorbell (each its own topic; docs/home-assistant.md). */
    public static final List<String> HOME_ASSISTANT_COMMANDS = List.of("chime-silent", "open-door", "quick-reply");

    private final Topics topics;
    private final Set<String> doorbells;
    private final Map<String, Set<String>> pairings;
    private final Map<String, Set<String>> homeAssistants;
    private final String discoveryPrefix;

    private BrokerAccess(Topics topics, Set<String> doorbells, Map<String, Set<String>> pairings, Map<String, Set<String>> homeAssistants,
            String discoveryPrefix) {
        this.topics = topics;
        this.doorbells = doorbells;
        this.pairings = pairings;
        this.homeAssistants = homeAssistants;
        this.discoveryPrefix = discoveryPrefix;
    }

    public static BrokerAccess of(Topics topics) {
        return new BrokerAccess(Objects.requireNonNull(topics), Set.of(), Map.of(), Map.of(), DEFAULT_DISCOVERY_PREFIX);
    }

    /** The same with Home Assistant's discovery prefix {@code prefix} (one or more topic levels, no wildcards). */
    public BrokerAccess withDiscoveryPrefix(String prefix) {
        new Topics(prefix); // the same rules as a topic prefix
        return new BrokerAccess(topics, doorbells, pairings, homeAssistants, prefix);
    }

    /** Gives Home Assistant account {@code homeassistant.<name>} the doorbells {@code deviceIds} (each must be known). */
    public BrokerAccess withHomeAssistant(String name, List<String> deviceIds) {
        Ids.requireValid("Home Assistant name", name);
        Set<String> given = new TreeSet<>(homeAssistants.getOrDefault(name, Set.of()));
        for (String deviceId : deviceIds) {
            if (!doorbells.contains(deviceId)) {
                throw new IllegalArgumentException("Home Assistant " + name + " cannot have unknown doorbell \"" + deviceId + "\"");
            }
            given.add(deviceId);
        }
        Map<String, Set<String>> next = new TreeMap<>(homeAssistants);
        next.put(name, Set.copyOf(given));
        return new BrokerAccess(topics, doorbells, pairings, Map.copyOf(next), discoveryPrefix);
    }

    /** Home Assistant name to the doorbells it sees. */
    public Map<String, Set<String>> homeAssistants() {
        return homeAssistants;
    }

    public String discoveryPrefix() {
        return discoveryPrefix;
    }

    public BrokerAccess withDoorbell(String deviceId) {
        Set<String> next = new TreeSet<>(doorbells);
        next.add(Ids.requireValid("deviceId", deviceId));
        return new BrokerAccess(topics, Set.copyOf(next), pairings, homeAssistants, discoveryPrefix);
    }

    /** Pairs {@code ownerId} with {@code deviceIds} (added to any earlier pairings); each doorbell must be known. */
    public BrokerAccess withOwner(String ownerId, List<String> deviceIds) {
        Ids.requireValid("ownerId", ownerId);
        Set<String> paired = new TreeSet<>(pairings.getOrDefault(ownerId, Set.of()));
        for (String deviceId : deviceIds) {
            if (!doorbells.contains(deviceId)) {
                throw new IllegalArgumentException("owner " + ownerId + " cannot be paired with unknown doorbell \"" + deviceId + "\"");
            }
            paired.add(deviceId);
        }
        Map<String, Set<String>> next = new TreeMap<>(pairings);
        next.put(ownerId, Set.copyOf(paired));
        return new BrokerAccess(topics, doorbells, Map.copyOf(next), homeAssistants, discoveryPrefix);
    }

    /** Removes an owner and every pairing of theirs. */
    public BrokerAccess withoutOwner(String ownerId) {
        Map<String, Set<String>> next = new TreeMap<>(pairings);
        next.remove(ownerId);
        return new BrokerAccess(topics, doorbells, Map.copyOf(next), homeAssistants, discoveryPrefix);
    }

    public Topics topics() {
        return topics;
    }

    public Set<String> doorbells() {
        return doorbells;
    }

    /** Owner id to the doorbells they are paired with. */
    public Map<String, Set<String>> pairings() {
        return pairings;
    }

    /** Every account name: the registrar, doorbells, owners, each group sorted. */
    public List<String> accounts() {
        List<String> accounts = new ArrayList<>();
        accounts.add(REGISTRAR);
        doorbells.stream().sorted().forEach(d -> accounts.add(DOORBELL_PREFIX + d));
        pairings.keySet().stream().sorted().forEach(o -> accounts.add(OWNER_PREFIX + o));
        homeAssistants.keySet().stream().sorted().forEach(h -> accounts.add(HOME_ASSISTANT_PREFIX + h));
        return accounts;
    }

    /** One permission of an account: read (subscribe) or write (publish) on a topic filter. */
    public record Grant(boolean write, String topicFilter) {
        static Grant read(String filter) {
            return new Grant(false, filter);
        }

        static Grant write(String filter) {
            return new Grant(true, filter);
        }
    }

    /** What doorbell {@code deviceId} may do: write its own subtree, read commands to it and the registrar's replies. */
    public static List<Grant> doorbellGrants(Topics topics, String deviceId) {
        return doorbellGrants(topics, deviceId, DEFAULT_DISCOVERY_PREFIX);
    }

    /** As {@link #doorbellGrants(Topics, String)}, and its Home Assistant discovery under {@code discoveryPrefix}. */
    public static List<Grant> doorbellGrants(Topics topics, String deviceId, String discoveryPrefix) {
        return List.of(Grant.write(topics.doorbellSubtree(deviceId)),
                Grant.read(topics.ownerToDeviceFilter(deviceId)),
                Grant.read(topics.registryReplies(deviceId)),
                Grant.read(topics.homeAssistantCommandFilter(deviceId)),
                Grant.write(discoveryTopic(discoveryPrefix, deviceId)),
                Grant.read(discoveryPrefix + "/status"));
    }

    /** Where doorbell {@code deviceId} announces itself to Home Assistant (device-based discovery, retained). */
    public static String discoveryTopic(String discoveryPrefix, String deviceId) {
        return discoveryPrefix + "/device/openbell_" + Ids.requireValid("deviceId", deviceId) + "/config";
    }

    /**
     * What a Home Assistant account may do with doorbell {@code deviceId}: read that doorbell's
     * discovery (no other device's) and read and write its own birth message; read the doorbell's presence (availability) and its
     * {@code ha/} subtree; write only the documented commands. Nothing of the owners' topics.
     */
    public static List<Grant> homeAssistantGrants(Topics topics, String deviceId, String discoveryPrefix) {
        List<Grant> grants = new ArrayList<>(List.of(Grant.read(discoveryTopic(discoveryPrefix, deviceId)),
                Grant.read(discoveryPrefix + "/status"), Grant.write(discoveryPrefix + "/status"),
                Grant.read(topics.presence(deviceId)), Grant.read(topics.homeAssistantSubtree(deviceId))));
        HOME_ASSISTANT_COMMANDS.forEach(c -> grants.add(Grant.write(topics.homeAssistantCommand(deviceId, c))));
        return grants;
    }

    /**
     * What owner {@code ownerId} may do with doorbell {@code deviceId}: read its presence, rings and
     * the owner's own call topic; write only the owner's own command topic.
     */
    public static List<Grant> ownerGrants(Topics topics, String ownerId, String deviceId) {
        return List.of(Grant.read(topics.presence(deviceId)),
                Grant.read(topics.pushKey(deviceId)),
                Grant.read(topics.rings(deviceId)),
                Grant.read(topics.snapshots(deviceId)),
                Grant.read(topics.capabilities(deviceId)),
                Grant.read(topics.motion(deviceId)),
                Grant.read(topics.deviceToOwner(deviceId, ownerId)),
                Grant.write(topics.ownerToDevice(ownerId, deviceId)));
    }

    /** Every account's grants, in {@link #accounts()} order: what both the Mosquitto list and RabbitMQ's topic permissions are made of. */
    public Map<String, List<Grant>> grantsByAccount() {
        Map<String, List<Grant>> all = new java.util.LinkedHashMap<>();
        all.put(REGISTRAR, List.of(Grant.read(topics.registryRequestFilter()), Grant.write(topics.registryReplyFilter())));
        for (String deviceId : new TreeSet<>(doorbells)) {
            all.put(DOORBELL_PREFIX + deviceId, doorbellGrants(topics, deviceId, discoveryPrefix));
        }
        for (Map.Entry<String, Set<String>> owner : new TreeMap<>(pairings).entrySet()) {
            List<Grant> grants = new ArrayList<>();
            new TreeSet<>(owner.getValue()).forEach(deviceId -> grants.addAll(ownerGrants(topics, owner.getKey(), deviceId)));
            all.put(OWNER_PREFIX + owner.getKey(), List.copyOf(grants));
        }
        for (Map.Entry<String, Set<String>> ha : new TreeMap<>(homeAssistants).entrySet()) {
            java.util.LinkedHashSet<Grant> grants = new java.util.LinkedHashSet<>();
            new TreeSet<>(ha.getValue()).forEach(deviceId -> grants.addAll(homeAssistantGrants(topics, deviceId, discoveryPrefix)));
            all.put(HOME_ASSISTANT_PREFIX + ha.getKey(), List.copyOf(grants));
        }
        return all;
    }

    /** The Mosquitto access list ({@code acl_file}): explicit per-account rules, no patterns. */
    public String mosquittoAcl() {
        StringBuilder acl = new StringBuilder("# Openbell access list, generated by scripts/broker-config: do not edit by hand.\n");
        acl.append("\n# the registrar: reads doorbells' owner-pairing requests, answers each doorbell\n")
                .append("user ").append(REGISTRAR).append('\n')
                .append("topic read ").append(topics.registryRequestFilter()).append('\n')
                .append("topic write ").append(topics.registryReplyFilter()).append('\n');
        for (String deviceId : new TreeSet<>(doorbells)) {
            acl.append("\n# doorbell ").append(deviceId).append('\n')
                    .append("user ").append(DOORBELL_PREFIX).append(deviceId).append('\n');
            appendGrants(acl, doorbellGrants(topics, deviceId, discoveryPrefix));
        }
        for (Map.Entry<String, Set<String>> owner : new TreeMap<>(pairings).entrySet()) {
            String ownerId = owner.getKey();
            acl.append("\n# owner ").append(ownerId).append(", paired with ").append(String.join(", ", new TreeSet<>(owner.getValue())))
                    .append('\n').append("user ").append(OWNER_PREFIX).append(ownerId).append('\n');
            for (String deviceId : new TreeSet<>(owner.getValue())) {
                appendGrants(acl, ownerGrants(topics, ownerId, deviceId));
            }
        }
        for (Map.Entry<String, Set<String>> ha : new TreeMap<>(homeAssistants).entrySet()) {
            acl.append("\n# Home Assistant ").append(ha.getKey()).append(", for ").append(String.join(", ", new TreeSet<>(ha.getValue())))
                    .append('\n').append("user ").append(HOME_ASSISTANT_PREFIX).append(ha.getKey()).append('\n');
            java.util.LinkedHashSet<Grant> grants = new java.util.LinkedHashSet<>();
            for (String deviceId : new TreeSet<>(ha.getValue())) {
                grants.addAll(homeAssistantGrants(topics, deviceId, discoveryPrefix));
            }
            appendGrants(acl, List.copyOf(grants));
        }
        return acl.toString();
    }

    private static void appendGrants(StringBuilder acl, List<Grant> grants) {
        for (Grant grant : grants) {
            acl.append("topic ").append(grant.write() ? "write " : "read ").append(grant.topicFilter()).append('\n');
        }
    }
}
