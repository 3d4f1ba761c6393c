package org.openbell.agent.push;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import org.openbell.push.Vapid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one Web Push message (RFC 8030) to one subscription: the payload encrypted for the phone
 * (RFC 8291, {@code aes128gcm}), signed for the push service with the doorbell's VAPID key
 * (RFC 8292), {@code TTL} = what is left of the message's life, {@code Urgency: high}, and a
 * {@code Topic} so a newer message replaces one the service still holds.
 *
 * <p>The push service's answers, as the RFCs say: 201 (any 2xx) delivered; 404/410 the
 * subscription is gone; 413 the payload is too big (sent again without one, once); 429 and 5xx,
 * and a connection that fails or stalls, are retried with backoff (honouring {@code Retry-After})
 * while the message lives; 400/401/403 fail, except that a 401/403 from a service whose
 * {@code Date} is more than a minute from ours is retried once with a token made on its time
 * (a doorbell without a real-time clock may be hours off before NTP answers). Every request and
 * wait runs off the caller's thread.
 */
public final class PushSender implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PushSender.class);
    /** VAPID tokens are made for 12 h and renewed when less than 1 h is left. */
    private static final Duration TOKEN_LIFE = Duration.ofHours(12);
    private static final Duration TOKEN_RENEW = Duration.ofHours(1);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final long FIRST_RETRY_MS = 500;
    private static final long MAX_RETRY_MS = 30_000;
    private static final long CLOCK_SKEW_RETRY_MS = 60_000;

    private final Vapid vapid;
    private final String contact;
    private final PushEndpoints endpoints;
    private final Clock clock;
    private final HttpClient http;
    private final ExecutorService executor;
    private final java.util.concurrent.ScheduledExecutorService timers;
    /** Per push service origin: how far its clock is ahead of ours (ms), from its Date headers. */
    private final Map<String, Long> clockOffsets = new ConcurrentHashMap<>();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final PreparedKeys keys;
    private final ServiceConnections connections = new ServiceConnections();

    private record Token(String header, Instant expiry, long offsetMs) {
    }

    public PushSender(Vapid vapid, String contact, PushEndpoints endpoints, SSLContext ssl, Clock clock) {
        this.vapid = vapid;
        this.contact = contact;
        this.endpoints = endpoints;
        this.clock = clock;
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("openbell-push-", 0).factory());
        this.timers = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("openbell-push-timer").factory());
        this.keys = new PreparedKeys(executor, timers);
        this.http = HttpClient.newBuilder()
                .sslContext(ssl)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER) // a redirect could point anywhere, the LAN included
                .executor(executor)
                .build();
    }

    /** Makes the next message's keys for {@code subscription} ahead (a new or loaded subscription). */
    public void prepare(PushSubscription subscription) {
        keys.prepare(subscription);
    }

    /** Forgets the keys prepared for a subscription that is gone. */
    public void forget(String endpoint) {
        keys.forget(endpoint);
    }

    /** A message to push: the plaintext, its topic, its urgency (RFC 8030), and until when it is worth delivering. */
    public record Push(byte[] plaintext, Optional<String> topic, String urgency, long deadlineNanos, BooleanSupplier wanted) {

        /** A ring's (and its end's, and its picture's): urgency {@code high}, a phone in a pocket must wake for it. */
        public Push(byte[] plaintext, Optional<String> topic, long deadlineNanos, BooleanSupplier wanted) {
            this(plaintext, topic, "high", deadlineNanos, wanted);
        }
    }

    /** Sends {@code push} to {@code subscription}; completes (never exceptionally) with how it ended. */
    public CompletableFuture<PushOutcome> send(PushSubscription subscription, Push push) {
        CompletableFuture<PushOutcome> result = new CompletableFuture<>();
        long started = System.nanoTime();
        executor.execute(() -> attempt(subscription, push, push.plaintext(), 1, FIRST_RETRY_MS, false, started, result));
        return result;
    }

    private void attempt(PushSubscription sub, Push push, byte[] plaintext, int attempt, long backoffMs,
            boolean skewRetried, long started, CompletableFuture<PushOutcome> result) {
        long left = push.deadlineNanos() - System.nanoTime();
        if (!push.wanted().getAsBoolean() || left < TimeUnit.MILLISECONDS.toNanos(500)) {
            result.complete(new PushOutcome(PushOutcome.Kind.EXPIRED, 0, attempt - 1, ms(started), "the message's life ended first"));
            return;
        }
        Optional<String> refused = endpoints.problem(sub.endpoint());
        if (refused.isPresent()) {
            result.complete(new PushOutcome(PushOutcome.Kind.FAILED, 0, attempt - 1, ms(started), refused.get()));
            return;
        }
        URI endpoint = URI.create(sub.endpoint());
        String audience = Vapid.audience(endpoint);
        HttpRequest.Builder request;
        try {
            byte[] body = plaintext.length == 0 ? new byte[0] : keys.take(sub).seal(plaintext);
            HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint).header("Urgency", push.urgency());
            push.topic().ifPresent(t -> builder.header("Topic", t));
            request = builder
                    .header("Authorization", token(audience).header())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (body.length > 0) {
                request.header("Content-Encoding", "aes128gcm").header("Content-Type", "application/octet-stream");
            }
        } catch (RuntimeException e) { // a key that is not a point, a bad header value
            result.complete(new PushOutcome(PushOutcome.Kind.FAILED, 0, attempt - 1, ms(started), "cannot make the request: " + e.getMessage()));
            return;
        }
        HttpRequest.Builder unsent = request;
        // TTL and time limit when it is sent: a request may wait up to a second for its service's
        // connection, and the ring may end meanwhile.
        connections.send(audience, () -> {
            long lifeLeft = push.deadlineNanos() - System.nanoTime();
            if (!push.wanted().getAsBoolean() || lifeLeft < TimeUnit.MILLISECONDS.toNanos(500)) {
                return CompletableFuture.failedFuture(new java.io.IOException("its life ended while its connection opened"));
            }
            HttpRequest now = unsent.copy()
                    .timeout(REQUEST_TIMEOUT.compareTo(Duration.ofNanos(lifeLeft)) < 0 ? REQUEST_TIMEOUT : Duration.ofNanos(lifeLeft))
                    .header("TTL", Long.toString(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(lifeLeft))))
                    .build();
            return http.sendAsync(now, HttpResponse.BodyHandlers.ofString());
        }, HttpResponse::version, executor)
                .whenComplete((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                String why = cause instanceof HttpTimeoutException ? "no answer in time" : cause.toString();
                retry(sub, push, plaintext, attempt, backoffMs, skewRetried, started, result, 0, why, Optional.empty());
                return;
            }
            int status = response.statusCode();
            learnClock(audience, response);
            if (status >= 200 && status < 300) {
                result.complete(new PushOutcome(PushOutcome.Kind.DELIVERED, status, attempt, ms(started), "accepted"));
            } else if (status == 404 || status == 410) {
                result.complete(new PushOutcome(PushOutcome.Kind.GONE, status, attempt, ms(started), "the subscription is gone"));
            } else if (status == 413 && plaintext.length > 0) {
                log.info("Push to {}: 413, payload too large for it; sending the wake-up without a payload", sub.service());
                attempt(sub, push, new byte[0], attempt + 1, backoffMs, skewRetried, started, result);
            } else if (status == 429 || status >= 500) {
                retry(sub, push, plaintext, attempt, backoffMs, skewRetried, started, result, status, "HTTP " + status,
                        retryAfter(response));
            } else if ((status == 401 || status == 403) && !skewRetried
                    && Math.abs(clockOffsets.getOrDefault(audience, 0L)) > CLOCK_SKEW_RETRY_MS) {
                log.warn("Push to {}: {} while our clock is {} s off the service's; again with a token on its time",
                        sub.service(), status, clockOffsets.get(audience) / 1000);
                tokens.remove(audience);
                attempt(sub, push, plaintext, attempt + 1, backoffMs, true, started, result);
            } else {
                result.complete(new PushOutcome(PushOutcome.Kind.FAILED, status, attempt, ms(started),
                        "HTTP " + status + ": " + org.openbell.signaling.LogSafe.text(response.body(), 200)));
            }
        });
    }

    private void retry(PushSubscription sub, Push push, byte[] plaintext, int attempt, long backoffMs, boolean skewRetried,
            long started, CompletableFuture<PushOutcome> result, int status, String why, Optional<Long> retryAfterMs) {
        long jittered = backoffMs / 2 + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1);
        long wait = retryAfterMs.map(ms -> Math.max(ms, 0)).orElse(jittered);
        long left = TimeUnit.NANOSECONDS.toMillis(push.deadlineNanos() - System.nanoTime());
        if (wait + 500 >= left) {
            result.complete(new PushOutcome(PushOutcome.Kind.EXPIRED, status, attempt, ms(started),
                    why + "; no time left to retry" + retryAfterMs.map(ms -> " (Retry-After " + ms + " ms)").orElse("")));
            return;
        }
        log.info("Push to {}: {} (attempt {}); again in {} ms", sub.service(), why, attempt, wait);
        timers.schedule(() -> executor.execute(() -> attempt(sub, push, plaintext, attempt + 1,
                Math.min(backoffMs * 2, MAX_RETRY_MS), skewRetried, started, result)), wait, TimeUnit.MILLISECONDS);
    }

    /** The VAPID header for {@code audience}, made on the push service's time if it told us ours is off. */
    private Token token(String audience) {
        long offset = clockOffsets.getOrDefault(audience, 0L);
        Instant now = clock.instant().plusMillis(offset);
        Token t = tokens.get(audience);
        if (t == null || t.offsetMs() != offset || t.expiry().minus(TOKEN_RENEW).isBefore(now)) {
            Instant expiry = now.plus(TOKEN_LIFE);
            t = new Token(vapid.authorization(audience, contact, expiry, now), expiry, offset);
            tokens.put(audience, t);
        }
        return t;
    }

    private void learnClock(String audience, HttpResponse<?> response) {
        response.headers().firstValue("Date").flatMap(PushSender::httpDate).ifPresent(date -> {
            long offset = date.toEpochMilli() - clock.millis();
            // HTTP dates have whole seconds: only a real difference counts.
            clockOffsets.put(audience, Math.abs(offset) > CLOCK_SKEW_RETRY_MS ? offset : 0L);
        });
    }

    /** {@code Retry-After}: delay-seconds or an HTTP date (relative to the response's {@code Date}, else our clock). */
    static Optional<Long> retryAfterMs(String value, Optional<Instant> responseDate, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        if (v.chars().allMatch(Character::isDigit) && v.length() <= 9) {
            return Optional.of(Long.parseLong(v) * 1000);
        }
        return httpDate(v).map(at -> at.toEpochMilli() - responseDate.orElse(now).toEpochMilli());
    }

    private Optional<Long> retryAfter(HttpResponse<?> response) {
        return retryAfterMs(response.headers().firstValue("Retry-After").orElse(null),
                response.headers().firstValue("Date").flatMap(PushSender::httpDate), clock.instant());
    }

    static Optional<Instant> httpDate(String value) {
        try {
            return Optional.of(ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static long ms(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    @Override
    public void close() {
        timers.shutdownNow();
        executor.shutdownNow();
        http.shutdownNow();
    }
}
