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

    private final Topics topics;
    private final Set<String> doorbells;
    private final Map<String, Set<String>> pairings;

    private BrokerAccess(Topics topics, Set<String> doorbells, Map<String, Set<String>> pairings) {
        this.topics = topics;
        this.doorbells = doorbells;
        this.pairings = pairings;
    }

    public static BrokerAccess of(Topics topics) {
        return new BrokerAccess(Objects.requireNonNull(topics), Set.of(), Map.of());
    }

    public BrokerAccess withDoorbell(String deviceId) {
        Set<String> next = new TreeSet<>(doorbells);
        next.add(Ids.requireValid("deviceId", deviceId));
        return new BrokerAccess(topics, Set.copyOf(next), pairings);
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
        return new BrokerAccess(topics, doorbells, Map.copyOf(next));
    }

    /** Removes an owner and every pairing of theirs. */
    public BrokerAccess withoutOwner(String ownerId) {
        Map<String, Set<String>> next = new TreeMap<>(pairings);
        next.remove(ownerId);
        return new BrokerAccess(topics, doorbells, Map.copyOf(next));
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
        return List.of(Grant.write(topics.doorbellSubtree(deviceId)),
                Grant.read(topics.ownerToDeviceFilter(deviceId)),
                Grant.read(topics.registryReplies(deviceId)));
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
                Grant.read(topics.deviceToOwner(deviceId, ownerId)),
                Grant.write(topics.ownerToDevice(ownerId, deviceId)));
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
            appendGrants(acl, doorbellGrants(topics, deviceId));
        }
        for (Map.Entry<String, Set<String>> owner : new TreeMap<>(pairings).entrySet()) {
            String ownerId = owner.getKey();
            acl.append("\n# owner ").append(ownerId).append(", paired with ").append(String.join(", ", new TreeSet<>(owner.getValue())))
                    .append('\n').append("user ").append(OWNER_PREFIX).append(ownerId).append('\n');
            for (String deviceId : new TreeSet<>(owner.getValue())) {
                appendGrants(acl, ownerGrants(topics, ownerId, deviceId));
            }
        }
        return acl.toString();
    }

    private static void appendGrants(StringBuilder acl, List<Grant> grants) {
        for (Grant grant : grants) {
            acl.append("topic ").append(grant.write() ? "write " : "read ").append(grant.topicFilter()).append('\n');
        }
    }
}
