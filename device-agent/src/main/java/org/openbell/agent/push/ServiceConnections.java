package org.openbell.agent.push;

import java.net.http.HttpClient;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One new connection per push service at a time. The JDK's HTTP client, sent ten requests at once
 * to an origin it has no connection to, opens ten TLS connections even when the service speaks
 * HTTP/2 and would carry all ten on one (measured: ten handshakes, then one connection kept). A
 * full TLS handshake is milliseconds of elliptic-curve work on a Pi, and ten phones on FCM would
 * pay it ten times per ring. So when no connection to a service is known to be open, the first
 * request goes alone and the others follow once it is answered (or after {@link #MAX_WAIT_MS}, a
 * slow service must not hold them back): on HTTP/2 they then share its connection. A service that
 * answered over HTTP/1.1 cannot share one, and its requests are never held.
 */
final class ServiceConnections {

    /** A connection answered on within this long is taken to be still open (the JDK keeps idle ones 30 s). */
    static final long OPEN_NANOS = TimeUnit.SECONDS.toNanos(20);
    static final long MAX_WAIT_MS = 1000;

    private final Map<String, Long> lastAnswered = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> opening = new ConcurrentHashMap<>();
    private final java.util.Set<String> http1 = ConcurrentHashMap.newKeySet();

    /**
     * Runs {@code send} for a request to {@code origin}: at once, or after the request opening a
     * connection there is answered. The returned stage completes as {@code send}'s does.
     */
    <T> CompletableFuture<T> send(String origin, Supplier<CompletableFuture<T>> send, java.util.function.Function<T, HttpClient.Version> version,
            java.util.concurrent.Executor executor) {
        Long last = lastAnswered.get(origin);
        if (http1.contains(origin) || last != null && System.nanoTime() - last < OPEN_NANOS) {
            return track(origin, send.get(), version);
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> other = opening.putIfAbsent(origin, mine);
        if (other != null) {
            return other.completeOnTimeout(null, MAX_WAIT_MS, TimeUnit.MILLISECONDS)
                    .thenComposeAsync(v -> track(origin, send.get(), version), executor);
        }
        CompletableFuture<T> sent;
        try {
            sent = track(origin, send.get(), version);
        } catch (RuntimeException e) {
            opening.remove(origin, mine);
            mine.complete(null);
            throw e;
        }
        return sent.whenComplete((r, failure) -> {
            opening.remove(origin, mine);
            mine.complete(null);
        });
    }

    private <T> CompletableFuture<T> track(String origin, CompletableFuture<T> sent, java.util.function.Function<T, HttpClient.Version> version) {
        return sent.whenComplete((r, failure) -> {
            if (failure == null) {
                lastAnswered.put(origin, System.nanoTime());
                if (version.apply(r) == HttpClient.Version.HTTP_1_1) {
                    http1.add(origin);
                } else {
                    http1.remove(origin);
                }
            } else {
                lastAnswered.remove(origin); // the connection may be what failed
            }
        });
    }
}
