package org.openbell.agent.push;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openbell.push.P256;
import org.openbell.push.Vapid;
import org.openbell.signaling.access.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The doorbell's VAPID key pair, made once and kept in {@code push/vapid.key} (mode 600, written
 * atomically): two lines of base64url, the private scalar and the public point. Every phone's
 * subscription is bound to this public key, so losing it silently would end push for all of them:
 * a file that exists but cannot be read is an error, never replaced.
 */
public final class VapidKeys {

    private static final Logger log = LoggerFactory.getLogger(VapidKeys.class);

    private VapidKeys() {
    }

    public static Vapid loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            String[] lines = Files.readString(file, StandardCharsets.UTF_8).strip().split("\\R");
            if (lines.length != 2) {
                throw new IOException(file + " is not a VAPID key file (two lines expected); move it away to make a new key"
                        + " (every phone must then subscribe again)");
            }
            try {
                return Vapid.fromRaw(P256.fromBase64Url(lines[0].strip()), P256.fromBase64Url(lines[1].strip()));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " holds no valid VAPID key (" + e.getMessage() + ")", e);
            }
        }
        Vapid vapid = Vapid.generate();
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.write(file, P256.base64Url(vapid.privateScalar()) + "\n" + vapid.publicKeyBase64Url() + "\n", true);
        log.info("Push: made the doorbell's VAPID key in {}", file);
        return vapid;
    }
}
