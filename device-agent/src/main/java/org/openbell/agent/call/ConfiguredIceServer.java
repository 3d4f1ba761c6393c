package org.openbell.agent.call;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A STUN or TURN server as configured ({@code media.iceServers}): fixed credentials
 * ({@code username}, {@code credential}), or a coturn shared {@code secret} from which
 * {@link IceServers} issues short-lived credentials valid for {@code credentialTtl}, or none (STUN).
 */
public record ConfiguredIceServer(List<String> urls, Optional<String> username, Optional<String> credential,
        Optional<String> secret, Duration credentialTtl) {

    public ConfiguredIceServer {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("an ICE server needs at least one URL");
        }
        if (secret.isPresent() && (username.isPresent() || credential.isPresent())) {
            throw new IllegalArgumentException("either a secret or a username and credential, not both");
        }
    }

    /** A server with fixed credentials (or none). */
    public static ConfiguredIceServer fixed(List<String> urls, Optional<String> username, Optional<String> credential) {
        return new ConfiguredIceServer(urls, username, credential, Optional.empty(), IceServers.DEFAULT_TTL);
    }

    /** A TURN server whose credentials are issued from coturn's shared {@code secret}. */
    public static ConfiguredIceServer withSecret(List<String> urls, String secret, Duration credentialTtl) {
        return new ConfiguredIceServer(urls, Optional.empty(), Optional.empty(), Optional.of(secret), credentialTtl);
    }

    @Override
    public String toString() {
        return "ConfiguredIceServer[" + urls + (secret.isPresent() ? ", shared secret" : username.isPresent() ? ", with credentials" : "") + "]";
    }
}
