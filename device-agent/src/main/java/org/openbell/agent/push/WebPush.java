package org.openbell.agent.push;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.openbell.agent.ring.RingSignals;
import org.openbell.push.P256;
import org.openbell.push.Vapid;
import org.openbell.signaling.LogSafe;
import org.openbell.signaling.Message;
import org.openbell.signaling.MessageCodec;
import org.openbell.signaling.PushStatus;
import org.openbell.signaling.PushSubscribe;
import org.openbell.signaling.PushUnsubscribe;
import org.openbell.signaling.Ring;
import org.openbell.signaling.RingEnded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rings to locked phones: the doorbell's own Web Push. Keeps the phones' subscriptions (registered
 * with {@code push-subscribe} over MQTT), and on every new ring sends each of them the ring, in
 * parallel and off the ring thread, the moment the MQTT ring goes out; when the ring ends, the
 * {@code ring-ended} follows under the same {@code Topic}, replacing the ring on every phone that
 * has not shown it yet and telling the service worker to replace the one it shows.
 *
 * <p>The push payload is the protocol message itself ({@code ring}, {@code ring-ended}), encoded
 * as on MQTT. A slow or dead push service never delays the chime or the MQTT ring: nothing here
 * runs on the caller's thread.
 */
public final class WebPush implements RingSignals, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebPush.class);
    /** How long a push service keeps a ring-ended for a phone that is offline ("missed ring at ..."). */
    static final Duration ENDED_TTL = Duration.ofMinutes(5);
    /** How long a motion notice is worth delivering to a locked phone. */
    static final Duration MOTION_TTL = Duration.ofMinutes(1);

    private final String deviceId;
    private final Clock clock;
    private final Vapid vapid;
    private final PushSubscriptions subscriptions;
    private final PushEndpoints endpoints;
    private final PushSender sender;
    private final BiConsumer<String, Message> toOwner;
    private final MessageCodec codec = new MessageCodec();
    private final String topic;
    private final String motionTopic;
    private final ExecutorService work = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("openbell-push-work-", 0).factory());
    /** The ring whose pushes are still worth delivering (retries stop when it changes). */
    private final AtomicReference<String> liveRing = new AtomicReference<>();
    private final Stats stats = new Stats();

    private WebPush(String deviceId, Clock clock, Vapid vapid, PushSubscriptions subscriptions, PushEndpoints endpoints,
            PushSender sender, BiConsumer<String, Message> toOwner) {
        this.deviceId = deviceId;
        this.clock = clock;
        this.vapid = vapid;
        this.subscriptions = subscriptions;
        this.endpoints = endpoints;
        this.sender = sender;
        this.toOwner = toOwner;
        this.topic = topicFor(deviceId);
        this.motionTopic = topicFor(deviceId + "-motion");
        subscriptions.all().forEach(sender::prepare); // keys ready before the first ring
    }

    /**
     * Opens the doorbell's VAPID key and subscriptions under {@code stateDir/push}.
     *
     * @param toOwner sends a device-to-owner message (the {@code push-status} replies)
     * @throws IllegalStateException if the key cannot be made or read
     */
    public static WebPush start(PushConfig config, Path stateDir, String deviceId, Clock clock,
            BiConsumer<String, Message> toOwner) {
        Path dir = stateDir.resolve("push");
        Vapid vapid;
        try {
            vapid = VapidKeys.loadOrCreate(dir.resolve("vapid.key"));
        } catch (IOException e) {
            throw new IllegalStateException("push: " + e.getMessage(), e);
        }
        PushEndpoints endpoints = PushEndpoints.of(config);
        PushSender sender = new PushSender(vapid, config.contact(), endpoints, PushTls.context(config.caFile()), clock);
        PushSubscriptions subscriptions = PushSubscriptions.open(dir.resolve("subscriptions.json"));
        log.info("Web Push on: {} subscription(s); push services: {}{}", subscriptions.size(), config.allowedHosts(),
                config.allowPrivateNetworks() ? " (private networks allowed: tests only)" : "");
        return new WebPush(deviceId, clock, vapid, subscriptions, endpoints, sender, toOwner);
    }

    /** The doorbell's VAPID public key, base64url: the owner app's {@code applicationServerKey}. */
    public String publicKey() {
        return vapid.publicKeyBase64Url();
    }

    /** The {@code Topic} of this doorbell's pushes: at most 32 base64url characters (RFC 8030 5.4). */
    static String topicFor(String deviceId) {
        if (deviceId.length() <= 32) {
            return deviceId;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(deviceId.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Handles {@code push-subscribe} and {@code push-unsubscribe} from {@code ownerId}, off the caller's thread. */
    public void ownerMessage(String ownerId, Message message) {
        work.execute(() -> {
            switch (message) {
                case PushSubscribe s -> subscribe(ownerId, s);
                case PushUnsubscribe u -> unsubscribe(ownerId, u);
                default -> log.warn("Push: not a push message from {}: {}", ownerId, message.type().wireName());
            }
        });
    }

    private void subscribe(String ownerId, PushSubscribe s) {
        Optional<String> problem = endpoints.problem(s.endpoint());
        if (problem.isPresent()) {
            log.warn("Push: refused owner {}'s subscription: {}", ownerId, LogSafe.text(problem.get()));
            reply(ownerId, s.endpoint(), PushStatus.State.REFUSED, PushStatus.Reason.ENDPOINT_NOT_ALLOWED);
            return;
        }
        try {
            P256.decodePublicKey(P256.fromBase64Url(s.p256dh()));
        } catch (IllegalArgumentException e) {
            log.warn("Push: refused owner {}'s subscription: p256dh {}", ownerId, LogSafe.text(e.getMessage()));
            reply(ownerId, s.endpoint(), PushStatus.State.REFUSED, PushStatus.Reason.BAD_KEY);
            return;
        }
        try {
            PushSubscription added = new PushSubscription(ownerId, s.endpoint(), s.p256dh(), s.auth(), clock.instant());
            subscriptions.add(added);
            sender.prepare(added);
        } catch (IOException e) {
            log.error("Push: could not store owner {}'s subscription: {}", ownerId, e.getMessage());
            reply(ownerId, s.endpoint(), PushStatus.State.REFUSED, PushStatus.Reason.NOT_STORED);
            return;
        }
        log.info("Push: owner {} subscribed a phone ({})", ownerId, LogSafe.text(PushSubscription.serviceOf(s.endpoint())));
        reply(ownerId, s.endpoint(), PushStatus.State.SUBSCRIBED, null);
    }

    private void unsubscribe(String ownerId, PushUnsubscribe u) {
        try {
            if (subscriptions.remove(ownerId, u.endpoint())) {
                log.info("Push: owner {} unsubscribed a phone ({})", ownerId, LogSafe.text(PushSubscription.serviceOf(u.endpoint())));
            }
            reply(ownerId, u.endpoint(), PushStatus.State.UNSUBSCRIBED, null);
        } catch (IOException e) {
            log.error("Push: could not remove owner {}'s subscription: {}", ownerId, e.getMessage());
            reply(ownerId, u.endpoint(), PushStatus.State.REFUSED, PushStatus.Reason.NOT_STORED);
        }
    }

    private void reply(String ownerId, String endpoint, PushStatus.State state, PushStatus.Reason reason) {
        toOwner.accept(ownerId, new PushStatus(deviceId, endpoint, state, Optional.ofNullable(reason), clock.instant()));
    }

    /** Forgets a removed phone's subscriptions. */
    public void forgetOwner(String ownerId) {
        work.execute(() -> {
            try {
                int n = subscriptions.forgetOwner(ownerId);
                if (n > 0) {
                    log.info("Push: forgot {} subscription(s) of removed owner {}", n, ownerId);
                }
            } catch (IOException e) {
                log.error("Push: could not forget removed owner {}'s subscriptions: {}", ownerId, e.getMessage());
            }
        });
    }

    /** Forgets subscriptions of owners no longer paired (removed while this doorbell was off). */
    public void keepOnly(Set<String> pairedOwners) {
        subscriptions.all().stream().map(PushSubscription::ownerId).distinct()
                .filter(o -> !pairedOwners.contains(o)).forEach(this::forgetOwner);
    }

    @Override
    public void ringStarted(Ring ring) {
        if (ring.presses() != 1) {
            return; // the phones already ring for it; a second press does not ring them twice
        }
        long left = Duration.between(clock.instant(), ring.expiresAt()).toNanos();
        liveRing.set(ring.ringId());
        long pressed = System.nanoTime();
        pushAll(codec.encode(ring), System.nanoTime() + left, () -> ring.ringId().equals(liveRing.get()), "ring " + ring.ringId(), pressed);
    }

    @Override
    public void ringEnded(RingEnded ended) {
        liveRing.compareAndSet(ended.ringId(), null);
        long deadline = System.nanoTime() + ENDED_TTL.toNanos();
        pushAll(codec.encode(ended), deadline, () -> true, "ring-ended " + ended.ringId(), System.nanoTime());
    }

    /**
     * The thumbnail of who rang ({@code snapshot}, small enough for one push) to every phone, while
     * its ring still rings; without a {@code Topic}, so it never replaces the ring a push service
     * still holds for an offline phone. A phone shows it in the ring's notification.
     */
    public void picture(org.openbell.signaling.Snapshot thumbnail, java.time.Instant ringExpiresAt) {
        byte[] payload = codec.encode(thumbnail);
        if (payload.length > org.openbell.push.Aes128Gcm.MAX_PLAINTEXT_LENGTH) {
            log.info("Ring {}: its thumbnail ({} bytes) does not fit a push; phones get the ring without it", thumbnail.ringId(),
                    payload.length);
            return;
        }
        String ringId = thumbnail.ringId();
        if (!ringId.equals(liveRing.get())) {
            return; // the ring ended first: its phones are told that, not shown who rang
        }
        long left = Duration.between(clock.instant(), ringExpiresAt).toNanos();
        pushAll(payload, Optional.empty(), System.nanoTime() + left, () -> ringId.equals(liveRing.get()), "picture of ring " + ringId,
                System.nanoTime());
    }

    /**
     * Someone at the door (the motion sensor) to the locked phones of {@code owners}, who asked for it:
     * normal urgency, a minute to live, its own {@code Topic} (it replaces an older motion a push
     * service still holds, never a ring).
     */
    public void motion(org.openbell.signaling.Motion motion, Set<String> owners) {
        List<PushSubscription> targets = subscriptions.all().stream().filter(s -> owners.contains(s.ownerId())).toList();
        if (targets.isEmpty()) {
            return;
        }
        PushSender.Push push = new PushSender.Push(codec.encode(motion), Optional.of(motionTopic), "normal",
                System.nanoTime() + MOTION_TTL.toNanos(), () -> true);
        Stats.Batch batch = stats.batch("motion", targets.size());
        long since = System.nanoTime();
        for (PushSubscription sub : targets) {
            sender.send(sub, push).thenAccept(o -> finished(sub, o, batch, since, "motion"));
        }
    }

    private void pushAll(byte[] payload, long deadlineNanos, java.util.function.BooleanSupplier wanted, String what, long since) {
        pushAll(payload, Optional.of(topic), deadlineNanos, wanted, what, since);
    }

    private void pushAll(byte[] payload, Optional<String> topic, long deadlineNanos, java.util.function.BooleanSupplier wanted,
            String what, long since) {
        List<PushSubscription> targets = subscriptions.all();
        if (targets.isEmpty()) {
            return;
        }
        PushSender.Push push = new PushSender.Push(payload, topic, deadlineNanos, wanted);
        Stats.Batch batch = stats.batch(what, targets.size());
        for (PushSubscription sub : targets) {
            CompletableFuture<PushOutcome> outcome = sender.send(sub, push);
            outcome.thenAccept(o -> finished(sub, o, batch, since, what));
        }
    }

    private void finished(PushSubscription sub, PushOutcome o, Stats.Batch batch, long since, String what) {
        long sinceMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
        stats.record(o, batch, sinceMs);
        switch (o.kind()) {
            case DELIVERED -> log.debug("Push of {} to {}: accepted in {} ms ({} attempt(s))", what, sub, o.latencyMs(), o.attempts());
            case GONE -> {
                log.info("Push of {} to {}: the subscription is gone (HTTP {}); dropped", what, sub, o.status());
                work.execute(() -> {
                    try {
                        subscriptions.drop(sub.endpoint());
                        sender.forget(sub.endpoint());
                    } catch (IOException e) {
                        log.error("Push: could not drop a gone subscription: {}", e.getMessage());
                    }
                });
            }
            case FAILED -> log.warn("Push of {} to {} failed: {}", what, sub, LogSafe.text(o.detail()));
            case EXPIRED -> log.info("Push of {} to {} not delivered: {}", what, sub, LogSafe.text(o.detail()));
        }
    }

    /** Figures for {@code /api/status} {@code push}. */
    public org.openbell.agent.status.AgentStatus.Push status() {
        return stats.status(subscriptions.size());
    }

    @Override
    public void close() {
        work.shutdownNow();
        sender.close();
    }

    /** Counters, and the latest batch: how many pushes of the latest ring were accepted, and how fast. */
    static final class Stats {
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong delivered = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();
        private final AtomicLong expired = new AtomicLong();
        private final AtomicLong retried = new AtomicLong();
        private final AtomicReference<Batch> last = new AtomicReference<>();

        static final class Batch {
            final String what;
            final int targets;
            final AtomicLong accepted = new AtomicLong();
            final AtomicLong done = new AtomicLong();
            final AtomicLong slowestMs = new AtomicLong();

            Batch(String what, int targets) {
                this.what = what;
                this.targets = targets;
            }
        }

        Batch batch(String what, int targets) {
            Batch b = new Batch(what, targets);
            sent.addAndGet(targets);
            last.set(b);
            return b;
        }

        void record(PushOutcome o, Batch b, long sinceMs) {
            retried.addAndGet(Math.max(0, o.attempts() - 1));
            switch (o.kind()) {
                case DELIVERED -> {
                    delivered.incrementAndGet();
                    b.accepted.incrementAndGet();
                    b.slowestMs.accumulateAndGet(sinceMs, Math::max);
                }
                case GONE -> dropped.incrementAndGet();
                case FAILED -> failed.incrementAndGet();
                case EXPIRED -> expired.incrementAndGet();
            }
            b.done.incrementAndGet();
        }

        org.openbell.agent.status.AgentStatus.Push status(int subscriptions) {
            Batch b = last.get();
            return new org.openbell.agent.status.AgentStatus.Push(true, subscriptions, sent.get(), delivered.get(), failed.get(),
                    dropped.get(), expired.get(), retried.get(), b == null ? null
                            : new org.openbell.agent.status.AgentStatus.LastPush(b.what, b.targets, b.accepted.get(), b.done.get(),
                                    b.slowestMs.get()));
        }
    }
}
