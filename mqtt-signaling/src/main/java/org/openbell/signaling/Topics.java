package org.openbell.signaling;

import java.util.Optional;

/**
 * The protocol v1 topic tree under a prefix (docs/protocol.md): one subtree per doorbell
 * ({@code P/v1/doorbells/{deviceId}/...}) and one per owner ({@code P/v1/owners/{ownerId}/...}).
 */
public record Topics(String prefix) {

    public static final String VERSION_LEVEL = "v1";

    public Topics {
        if (prefix == null || prefix.isEmpty() || prefix.startsWith("/") || prefix.endsWith("/")
                || prefix.contains("//") || prefix.contains("+") || prefix.contains("#") || prefix.contains("\u0000")) {
            throw new IllegalArgumentException("topic prefix must be one or more non-empty topic levels without wildcards, was \""
                    + prefix + "\"");
        }
    }

    public static Topics defaults() {
        return new Topics("openbell");
    }

    /** Everything a doorbell publishes: its own subtree (the broker access list grants it this alone). */
    public String doorbellSubtree(String deviceId) {
        return doorbell(deviceId) + "/#";
    }

    /** Retained presence of a doorbell; also its Last Will topic. */
    public String presence(String deviceId) {
        return doorbell(deviceId) + "/presence";
    }

    /** {@code ring} and {@code ring-ended} from a doorbell to its owners. */
    public String rings(String deviceId) {
        return doorbell(deviceId) + "/rings";
    }

    /** Where doorbell {@code deviceId} sends call signaling to owner {@code ownerId} alone. */
    public String deviceToOwner(String deviceId, String ownerId) {
        return doorbell(deviceId) + "/owners/" + Ids.requireValid("ownerId", ownerId);
    }

    /** Where owner {@code ownerId} sends commands to doorbell {@code deviceId}. */
    public String ownerToDevice(String ownerId, String deviceId) {
        return prefix + "/" + VERSION_LEVEL + "/owners/" + Ids.requireValid("ownerId", ownerId) + "/doorbells/"
                + Ids.requireValid("deviceId", deviceId);
    }

    /** What a doorbell subscribes to for commands from any owner. */
    public String ownerToDeviceFilter(String deviceId) {
        return prefix + "/" + VERSION_LEVEL + "/owners/+/doorbells/" + Ids.requireValid("deviceId", deviceId);
    }

    /** The owner who sent a message on {@code topic}, if it is an owner-to-device topic of {@code deviceId}. */
    public Optional<String> ownerOf(String topic, String deviceId) {
        String start = prefix + "/" + VERSION_LEVEL + "/owners/";
        String end = "/doorbells/" + deviceId;
        if (topic == null || !topic.startsWith(start) || !topic.endsWith(end)) {
            return Optional.empty();
        }
        String owner = topic.substring(start.length(), topic.length() - end.length());
        return Ids.isValid(owner) ? Optional.of(owner) : Optional.empty();
    }

    private String doorbell(String deviceId) {
        return prefix + "/" + VERSION_LEVEL + "/doorbells/" + Ids.requireValid("deviceId", deviceId);
    }
}
