package org.openbell.agent.call;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ICE servers a peer gets, from the configured ones ({@code media.iceServers}). A TURN server
 * configured with a {@code secret} (coturn's {@code use-auth-secret}) never sees a fixed password:
 * each time servers are handed out, this issues short-lived credentials: username
 * {@code <expiry unix seconds>:<device id>}, credential base64(HMAC-SHA1(secret, username)), which
 * coturn checks without any state and refuses once the time has passed. The secret itself is never
 * handed out.
 */
public final class IceServers {

    /** How long issued TURN credentials stay valid unless {@code credentialTtl} says otherwise: a long call's allocation refreshes need them. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(2);

    private IceServers() {
    }

    /** The servers to give a peer of doorbell {@code deviceId} now: static entries as configured, secret ones with fresh credentials. */
    public static List<Map<String, Object>> issue(List<Map<String, Object>> configured, String deviceId, Instant now) {
        List<Map<String, Object>> servers = new ArrayList<>();
        for (Map<String, Object> entry : configured) {
            Map<String, Object> server = new LinkedHashMap<>();
            server.put("urls", entry.get("urls"));
            if (entry.get("secret") instanceof String secret) {
                Duration ttl = entry.get("credentialTtl") instanceof Duration d ? d : DEFAULT_TTL;
                String username = now.plus(ttl).getEpochSecond() + ":" + deviceId;
                server.put("username", username);
                server.put("credential", credential(secret, username));
            } else {
                if (entry.containsKey("username")) {
                    server.put("username", entry.get("username"));
                }
                if (entry.containsKey("credential")) {
                    server.put("credential", entry.get("credential"));
                }
            }
            servers.add(server);
        }
        return servers;
    }

    /** As {@link #issue}, as protocol values for an {@code offer} (at most 4: the protocol's limit). */
    @SuppressWarnings("unchecked")
    public static List<org.openbell.signaling.IceServer> forOwner(List<Map<String, Object>> configured, String deviceId, Instant now) {
        return issue(configured, deviceId, now).stream().limit(4).map(server -> new org.openbell.signaling.IceServer(
                List.copyOf((List<String>) server.get("urls")),
                java.util.Optional.ofNullable((String) server.get("username")),
                java.util.Optional.ofNullable((String) server.get("credential")))).toList();
    }

    /** coturn's shared-secret credential for {@code username}: base64(HMAC-SHA1(secret, username)). */
    static String credential(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA1 is not available in this JDK", e);
        }
    }
}
