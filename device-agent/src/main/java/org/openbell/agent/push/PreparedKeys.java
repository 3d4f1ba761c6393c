package org.openbell.agent.push;

import java.security.interfaces.ECPublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.openbell.push.P256;
import org.openbell.push.PreparedMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One message's keys ready ahead for every subscription ({@link PreparedMessage}), so that a ring
 * only seals (AES-GCM, microseconds) instead of doing the elliptic-curve work of RFC 8291
 * (milliseconds each under the agent's C1-only JIT: ten phones cost ~50 ms on this 2-core VM).
 * Made when a subscription is added or loaded and again, in the background, a second after each
 * use: not at once, where the next keys' elliptic-curve work would take the CPU from the pushes
 * of the ring still going out (two cores: it spread ten pushes over ~45 ms).
 */
final class PreparedKeys {

    private static final Logger log = LoggerFactory.getLogger(PreparedKeys.class);

    private final Map<String, PreparedMessage> ready = new ConcurrentHashMap<>();
    static final long REFILL_DELAY_MS = 1000;

    private final ExecutorService background;
    private final java.util.concurrent.ScheduledExecutorService timers;

    PreparedKeys(ExecutorService background, java.util.concurrent.ScheduledExecutorService timers) {
        this.background = background;
        this.timers = timers;
    }

    /** Makes the next message's keys for {@code subscription}, in the background. */
    void prepare(PushSubscription subscription) {
        background.execute(() -> {
            try {
                ready.put(subscription.endpoint(), make(subscription));
            } catch (RuntimeException e) {
                log.warn("Push: cannot prepare keys for {}: {}", subscription, e.getMessage());
            }
        });
    }

    /** The prepared keys for {@code subscription} (made now if none are ready), and the next ones start. */
    PreparedMessage take(PushSubscription subscription) {
        PreparedMessage prepared = ready.remove(subscription.endpoint());
        if (prepared == null) {
            prepared = make(subscription);
        }
        timers.schedule(() -> prepare(subscription), REFILL_DELAY_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        return prepared;
    }

    void forget(String endpoint) {
        ready.remove(endpoint);
    }

    private static PreparedMessage make(PushSubscription subscription) {
        ECPublicKey phone = P256.decodePublicKey(P256.fromBase64Url(subscription.p256dh()));
        return PreparedMessage.prepare(phone, P256.fromBase64Url(subscription.auth()));
    }
}
