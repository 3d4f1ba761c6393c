package org.openbell.signaling;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The MQTT client ids of protocol v1 (docs/protocol.md, "Sessions"), and which account may use
 * which. A client id names a session on the broker; a broker that lets any account take any id
 * lets one paired phone take over the doorbell's session (and the commands other owners sent it)
 * or another phone's (and its calls). Brokers we configure refuse a client id not bound to the
 * account that presents it.
 * <ul>
 *   <li>the doorbell: {@code openbell-device-{deviceId}};</li>
 *   <li>an owner's browser tab: {@code openbell-owner-{ownerId}-{instance}}, {@code instance} 1-32 of
 *       {@code [A-Za-z0-9_]} (no {@code -}, so the last {@code -} ends the owner id and no owner can
 *       claim an id of another owner whose id starts like theirs).</li>
 * </ul>
 */
public final class ClientIds {

    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9_]{1,32}");

    private ClientIds() {
    }

    public static String device(String deviceId) {
        return "openbell-device-" + requireId(deviceId);
    }

    public static String owner(String ownerId, String instance) {
        if (instance == null || !INSTANCE.matcher(instance).matches()) {
            throw new IllegalArgumentException("an owner client instance must be 1-32 of [A-Za-z0-9_]");
        }
        return "openbell-owner-" + requireId(ownerId) + "-" + instance;
    }

    /** The owner whose tab uses {@code clientId}, if it is an owner client id. */
    public static Optional<String> ownerOf(String clientId) {
        String prefix = "openbell-owner-";
        if (clientId == null || !clientId.startsWith(prefix)) {
            return Optional.empty();
        }
        int dash = clientId.lastIndexOf('-');
        if (dash <= prefix.length() - 1) {
            return Optional.empty();
        }
        String ownerId = clientId.substring(prefix.length(), dash);
        String instance = clientId.substring(dash + 1);
        return Ids.isValid(ownerId) && INSTANCE.matcher(instance).matches() ? Optional.of(ownerId) : Optional.empty();
    }

    /** Whether owner {@code ownerId} may connect as {@code clientId}. */
    public static boolean ownerMayUse(String ownerId, String clientId) {
        return ownerOf(clientId).filter(ownerId::equals).isPresent();
    }

    private static String requireId(String id) {
        if (!Ids.isValid(id)) {
            throw new IllegalArgumentException("not an id ([A-Za-z0-9_-]{1,64}): " + LogSafe.text(String.valueOf(id)));
        }
        return id;
    }
}
