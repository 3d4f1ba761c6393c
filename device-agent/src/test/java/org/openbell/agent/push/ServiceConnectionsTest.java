package org.openbell.agent.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One new connection per push service at a time: who is held back, and for how long. */
class ServiceConnectionsTest {

    private final ServiceConnections connections = new ServiceConnections();
    private final Executor direct = Runnable::run;
    private final AtomicInteger started = new AtomicInteger();

    private CompletableFuture<HttpClient.Version> send(String origin, CompletableFuture<HttpClient.Version> answer) {
        return connections.send(origin, () -> {
            started.incrementAndGet();
            return answer;
        }, v -> v, direct);
    }

    @Test
    void withNoOpenConnectionTheOthersWaitForTheFirstAnswer() throws Exception {
        CompletableFuture<HttpClient.Version> first = new CompletableFuture<>();
        send("https://fcm.example", first);
        CompletableFuture<HttpClient.Version> second = send("https://fcm.example", CompletableFuture.completedFuture(HttpClient.Version.HTTP_2));
        CompletableFuture<HttpClient.Version> elsewhere = send("https://apple.example", CompletableFuture.completedFuture(HttpClient.Version.HTTP_2));
        assertEquals(2, started.get(), "the first to each service goes at once; the second to fcm waits");
        assertTrue(elsewhere.isDone());
        assertFalse(second.isDone());
        first.complete(HttpClient.Version.HTTP_2);
        assertEquals(HttpClient.Version.HTTP_2, second.get(1, TimeUnit.SECONDS));
        assertEquals(3, started.get());
        // Answered just now: the connection is open, nothing waits.
        send("https://fcm.example", new CompletableFuture<>());
        send("https://fcm.example", new CompletableFuture<>());
        assertEquals(5, started.get());
    }

    @Test
    void aSlowFirstRequestHoldsTheOthersAtMostASecond() throws Exception {
        send("https://slow.example", new CompletableFuture<>());
        long t0 = System.nanoTime();
        CompletableFuture<HttpClient.Version> second = send("https://slow.example", CompletableFuture.completedFuture(HttpClient.Version.HTTP_2));
        second.get(5, TimeUnit.SECONDS);
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(waitedMs >= ServiceConnections.MAX_WAIT_MS - 50 && waitedMs < 3000, "waited " + waitedMs + " ms");
    }

    @Test
    void aServiceThatAnsweredOverHttp11IsNeverHeld() {
        send("https://h1.example", CompletableFuture.completedFuture(HttpClient.Version.HTTP_1_1));
        send("https://h1.example", new CompletableFuture<>());
        send("https://h1.example", new CompletableFuture<>());
        assertEquals(3, started.get(), "HTTP/1.1 carries one request per connection: holding them back gains nothing");
    }

    @Test
    void aFailedAnswerMeansNoConnectionIsKnownOpen() {
        send("https://down.example", CompletableFuture.failedFuture(new java.io.IOException("reset")));
        send("https://down.example", new CompletableFuture<>()); // opens again, alone
        send("https://down.example", new CompletableFuture<>());
        assertEquals(2, started.get());
    }
}
