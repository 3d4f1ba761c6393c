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

    /** The doorbell's retained {@code push-key} (its VAPID public key, for owner apps). */
    public String pushKey(String deviceId) {
        return doorbell(deviceId) + "/push-key";
    }

    /** {@code ring} and {@code ring-ended} from a doorbell to its owners. */
    public String rings(String deviceId) {
        return doorbell(deviceId) + "/rings";
    }

    /** {@code snapshot}s (pictures of who rang) from a doorbell to its owners (revision 1.3). */
    public String snapshots(String deviceId) {
        return doorbell(deviceId) + "/snapshots";
    }

    /** The doorbell's retained {@code capabilities} (door strike, quick replies) for its owners (revision 1.4). */
    public String capabilities(String deviceId) {
        return doorbell(deviceId) + "/capabilities";
    }

    /** {@code motion} from a doorbell to its owners (revision 1.4). */
    public String motion(String deviceId) {
        return doorbell(deviceId) + "/motion";
    }

    /** What the doorbell tells Home Assistant (issue 15): its state, ring events and last picture, under {@code P/v1/doorbells/{id}/ha/}. */
    public String homeAssistantSubtree(String deviceId) {
        return doorbell(deviceId) + "/ha/#";
    }

    /** The doorbell's state for Home Assistant (retained JSON). */
    public String homeAssistantState(String deviceId) {
        return doorbell(deviceId) + "/ha/state";
    }

    /** Home Assistant's doorbell event ({@code event_type ring}), one per accepted press. */
    public String homeAssistantRing(String deviceId) {
        return doorbell(deviceId) + "/ha/ring";
    }

    /** The last visitor's picture for Home Assistant's image entity (retained raw JPEG). */
    public String homeAssistantPicture(String deviceId) {
        return doorbell(deviceId) + "/ha/picture";
    }

    /** Where Home Assistant sends doorbell {@code deviceId} the command {@code name} (e.g. {@code chime-silent}). */
    public String homeAssistantCommand(String deviceId, String name) {
        return prefix + "/" + VERSION_LEVEL + "/homeassistant/doorbells/" + Ids.requireValid("deviceId", deviceId) + "/"
                + Ids.requireValid("command", name);
    }

    /** What a doorbell subscribes to for Home Assistant's commands. */
    public String homeAssistantCommandFilter(String deviceId) {
        return prefix + "/" + VERSION_LEVEL + "/homeassistant/doorbells/" + Ids.requireValid("deviceId", deviceId) + "/+";
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

    /** Where a doorbell asks the broker's registrar to add or remove an owner it paired. */
    public String registryRequests(String deviceId) {
        return doorbell(deviceId) + "/registry/requests";
    }

    /** Where the registrar answers doorbell {@code deviceId}. */
    public String registryReplies(String deviceId) {
        return doorbell(deviceId) + "/registry/replies";
    }

    /** What the registrar subscribes to: every doorbell's registry requests. */
    public String registryRequestFilter() {
        return prefix + "/" + VERSION_LEVEL + "/doorbells/+/registry/requests";
    }

    /** Every doorbell's registry replies (what the registrar may write). */
    public String registryReplyFilter() {
        return prefix + "/" + VERSION_LEVEL + "/doorbells/+/registry/replies";
    }

    /** The doorbell that sent a registry request on {@code topic} (only its account may write there). */
    public Optional<String> registryRequester(String topic) {
        String start = prefix + "/" + VERSION_LEVEL + "/doorbells/";
        String end = "/registry/requests";
        if (topic == null || !topic.startsWith(start) || !topic.endsWith(end)) {
            return Optional.empty();
        }
        String device = topic.substring(start.length(), topic.length() - end.length());
        return Ids.isValid(device) ? Optional.of(device) : Optional.empty();
    }

    private String doorbell(String deviceId) {
        return prefix + "/" + VERSION_LEVEL + "/doorbells/" + Ids.requireValid("deviceId", deviceId);
    }
}
