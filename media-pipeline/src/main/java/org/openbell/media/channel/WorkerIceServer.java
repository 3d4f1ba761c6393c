package org.openbell.media.channel;

import java.util.List;
import java.util.Optional;

/** A STUN or TURN server for the worker's peer connection: its URLs, and for TURN the credentials issued for this call. */
public record WorkerIceServer(List<String> urls, Optional<String> username, Optional<String> credential) {

    static final int MAX_SERVERS = 8;

    public WorkerIceServer {
        urls = List.copyOf(urls);
        Checks.atLeast("urls", urls.size(), 1);
        Checks.atMost("urls", urls.size(), 8);
        urls.forEach(url -> Checks.text("url", url, 256));
        java.util.Objects.requireNonNull(username, "username").ifPresent(u -> Checks.text("username", u, 256));
        java.util.Objects.requireNonNull(credential, "credential").ifPresent(c -> Checks.text("credential", c, 256));
    }

    @Override
    public String toString() {
        return "WorkerIceServer[" + urls + (username.isPresent() ? ", with credentials" : "") + "]";
    }
}
