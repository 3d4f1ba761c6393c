package org.openbell.agent.call;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openbell.signaling.IceServer;

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
    public static List<IceServer> issue(List<ConfiguredIceServer> configured, String deviceId, Instant now) {
        List<IceServer> servers = new ArrayList<>();
        for (ConfiguredIceServer entry : configured) {
            if (entry.secret().isPresent()) {
                String username = now.plus(entry.credentialTtl()).getEpochSecond() + ":" + deviceId;
                servers.add(new IceServer(entry.urls(), Optional.of(username), Optional.of(credential(entry.secret().get(), username))));
            } else {
                servers.add(new IceServer(entry.urls(), entry.username(), entry.credential()));
            }
        }
        return servers;
    }

    /** As {@link #issue}, for an {@code offer} (at most 4: the protocol's limit). */
    public static List<IceServer> forOwner(List<ConfiguredIceServer> configured, String deviceId, Instant now) {
        return issue(configured, deviceId, now).stream().limit(4).toList();
    }

    /** A server as the owner app's /api/config shows it: {@code {urls, username?, credential?}} (the W3C RTCIceServer). */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record ForPage(List<String> urls, String username, String credential) {
        static ForPage of(IceServer server) {
            return new ForPage(server.urls(), server.username().orElse(null), server.credential().orElse(null));
        }
    }

    /** As {@link #issue}, for the owner app's page configuration. */
    public static List<ForPage> forPage(List<ConfiguredIceServer> configured, String deviceId, Instant now) {
        return issue(configured, deviceId, now).stream().map(ForPage::of).toList();
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
