package org.openbell.agent.push;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Web Push from the doorbell ({@code push:} in the config file).
 *
 * @param enabled              whether the doorbell sends rings to subscribed phones by Web Push
 * @param contact              the VAPID {@code sub}: how a push service can reach whoever runs this
 *                             doorbell ({@code mailto:} or {@code https:})
 * @param allowedHosts         the push services the doorbell will connect to: host names, or
 *                             {@code *.suffix} patterns, optionally {@code :port} (else 443)
 * @param allowPrivateNetworks let endpoints resolve to loopback, private or link-local addresses:
 *                             for tests and labs only (an owner could otherwise make the doorbell
 *                             probe the home network)
 * @param caFile               extra certificate authorities to trust for push services (PEM), besides
 *                             the system's: a test stand-in, a company proxy
 */
public record PushConfig(boolean enabled, String contact, List<String> allowedHosts, boolean allowPrivateNetworks,
        Optional<Path> caFile) {

    /** The public push services of the browsers that support Web Push (Chrome/Edge/Samsung, Firefox, Safari, Edge on Windows). */
    public static final List<String> PUBLIC_PUSH_SERVICES = List.of(
            "fcm.googleapis.com", "android.googleapis.com", "updates.push.services.mozilla.com",
            "*.push.apple.com", "*.notify.windows.com");

    public PushConfig {
        Objects.requireNonNull(contact, "contact");
        allowedHosts = List.copyOf(allowedHosts);
        Objects.requireNonNull(caFile, "caFile");
    }

    public static PushConfig defaults() {
        return new PushConfig(true, "mailto:doorbell@openbell.invalid", PUBLIC_PUSH_SERVICES, false, Optional.empty());
    }
}
