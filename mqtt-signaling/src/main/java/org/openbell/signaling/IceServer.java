package org.openbell.signaling;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A STUN or TURN server for the owner's side of one call, as in the W3C {@code RTCIceServer}:
 * 1-4 {@code stun:}/{@code turn:}/{@code turns:} URLs, and for TURN the short-lived username and
 * credential the doorbell issued for this call.
 */
public record IceServer(List<String> urls, Optional<String> username, Optional<String> credential) {

    static final int MAX_URLS = 4;
    static final int MAX_SERVERS = 4;
    private static final Pattern URL = Pattern.compile("(stun|turn|turns):[\\x21-\\x7e]{1,250}");
    private static final Pattern SECRET = Pattern.compile("[\\x20-\\x7e]{1,256}");

    public IceServer {
        urls = List.copyOf(urls);
        if (urls.isEmpty() || urls.size() > MAX_URLS || !urls.stream().allMatch(IceServer::isUrl)) {
            throw new IllegalArgumentException("iceServers urls must be 1-" + MAX_URLS + " stun:, turn: or turns: URLs");
        }
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(credential, "credential");
        if (!username.map(IceServer::isSecret).orElse(true) || !credential.map(IceServer::isSecret).orElse(true)
                || credential.isPresent() && username.isEmpty()) {
            throw new IllegalArgumentException("iceServers username and credential must be 1-256 printable characters, a credential only with a username");
        }
    }

    static boolean isUrl(String url) {
        return url != null && URL.matcher(url).matches();
    }

    static boolean isSecret(String text) {
        return text != null && SECRET.matcher(text).matches();
    }

    @Override
    public String toString() {
        return "IceServer[" + urls + (username.isPresent() ? ", with credentials" : "") + "]";
    }
}
