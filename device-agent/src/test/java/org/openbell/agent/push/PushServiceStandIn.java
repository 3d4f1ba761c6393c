package org.openbell.agent.push;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.openbell.push.Aes128Gcm;
import org.openbell.push.P256;
import org.openbell.push.Vapid;
import org.openbell.signaling.testing.TestCertificates;

/**
 * A push service for tests (RFC 8030), on HTTPS at {@code localhost} with its own test CA. It
 * hands out subscriptions (a P-256 key pair and auth secret it keeps, as a browser would), and for
 * every push checks the VAPID token (RFC 8292) against its own origin and decrypts the payload
 * (RFC 8291) with the subscription's private key, recording {@code TTL}, {@code Urgency} and
 * {@code Topic}. Answers can be scripted per subscription: a status, a {@code Retry-After}, a delay.
 */
public final class PushServiceStandIn implements AutoCloseable {

    /** What a phone would have been handed. */
    public record Received(String subscription, long ttl, String urgency, String topic, String plaintext,
            String vapidKey, Instant at, long receivedNanos) {
    }

    /** A scripted answer: status, Retry-After value (or null), delay before answering. */
    public record Answer(int status, String retryAfter, long delayMs) {
        public static Answer status(int status) {
            return new Answer(status, null, 0);
        }
    }

    /** A subscription as the app would send it in push-subscribe. */
    public record Subscription(String id, String endpoint, String p256dh, String auth) {
    }

    private record Keys(KeyPair pair, byte[] auth) {
    }

    private final HttpsServer server;
    private final Path caFile;
    private final Map<String, Keys> keys = new ConcurrentHashMap<>();
    private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
    private final List<Received> received = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<String> refusals = java.util.Collections.synchronizedList(new ArrayList<>());

    private PushServiceStandIn(HttpsServer server, Path caFile) {
        this.server = server;
        this.caFile = caFile;
    }

    public static PushServiceStandIn start(Path dir) throws Exception {
        Files.createDirectories(dir);
        TestCertificates ca = TestCertificates.authority(dir, "push");
        Path[] cert = ca.server("push-service", "localhost");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        Certificate certificate;
        try (InputStream in = Files.newInputStream(cert[0])) {
            certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        String pem = Files.readString(cert[1]).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        ks.setKeyEntry("push", key, "x".toCharArray(), new Certificate[] {certificate});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "x".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        PushServiceStandIn standIn = new PushServiceStandIn(server, ca.caFile("push"));
        server.createContext("/push/", standIn::handle);
        server.start();
        return standIn;
    }

    /** The CA file the doorbell must trust ({@code push.caFile}). */
    public Path caFile() {
        return caFile;
    }

    /** The {@code push.allowedHosts} entry for this service. */
    public String host() {
        return "localhost:" + server.getAddress().getPort();
    }

    public String origin() {
        return "https://" + host();
    }

    /** A new subscription, as {@code pushManager.subscribe()} would make. */
    public Subscription subscribe() {
        String id = "sub" + keys.size() + "x" + Long.toHexString(System.nanoTime());
        KeyPair pair = P256.generateKeyPair();
        byte[] auth = new byte[16];
        new java.security.SecureRandom().nextBytes(auth);
        keys.put(id, new Keys(pair, auth));
        return new Subscription(id, origin() + "/push/" + id,
                P256.base64Url(P256.encodePublicKey((java.security.interfaces.ECPublicKey) pair.getPublic())), P256.base64Url(auth));
    }

    /** The next answers for {@code subscription}, in order; 201 after them. */
    public void script(Subscription subscription, Answer... answers) {
        scripts.computeIfAbsent(subscription.id(), k -> new ConcurrentLinkedDeque<>()).addAll(List.of(answers));
    }

    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Pushes this service refused, and why (a bad token, an undecryptable body). */
    public List<String> refusals() {
        synchronized (refusals) {
            return List.copyOf(refusals);
        }
    }

    /** Waits until {@code count} pushes whose plaintext contains {@code text} have arrived. */
    public List<Received> await(String text, int count, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            List<Received> matching = received().stream().filter(r -> r.plaintext().contains(text)).toList();
            if (matching.size() >= count || System.nanoTime() > deadline) {
                return matching;
            }
            Thread.sleep(10);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            long receivedNanos = System.nanoTime();
            String id = exchange.getRequestURI().getPath().substring("/push/".length());
            Instant now = Instant.now(); // the JDK's server sends its Date header from this clock too
            byte[] body = exchange.getRequestBody().readAllBytes();
            Keys k = keys.get(id);
            if (!"POST".equals(exchange.getRequestMethod()) || k == null) {
                respond(exchange, 404, null);
                return;
            }
            Deque<Answer> script = scripts.get(id);
            Answer answer = script == null ? null : script.poll();
            if (answer != null && answer.delayMs() > 0) {
                try {
                    Thread.sleep(answer.delayMs());
                } catch (InterruptedException e) {
                    return;
                }
            }
            String vapidKey;
            try {
                vapidKey = P256.base64Url(Vapid.verify(exchange.getRequestHeaders().getFirst("Authorization"), origin(), now));
            } catch (Exception e) {
                refusals.add("VAPID: " + e.getMessage());
                respond(exchange, 403, null);
                return;
            }
            String plaintext = "";
            if (body.length > 0) {
                if (!"aes128gcm".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                    refusals.add("Content-Encoding " + exchange.getRequestHeaders().getFirst("Content-Encoding"));
                    respond(exchange, 415, null);
                    return;
                }
                try {
                    plaintext = new String(Aes128Gcm.decrypt(body, k.pair(), k.auth()), StandardCharsets.UTF_8);
                } catch (Exception e) {
                    refusals.add("decrypt: " + e.getMessage());
                    respond(exchange, 400, null);
                    return;
                }
            }
            if (answer != null && answer.status() != 201) {
                respond(exchange, answer.status(), answer.retryAfter());
                return;
            }
            String ttl = exchange.getRequestHeaders().getFirst("TTL");
            received.add(new Received(id, ttl == null ? -1 : Long.parseLong(ttl), exchange.getRequestHeaders().getFirst("Urgency"),
                    exchange.getRequestHeaders().getFirst("Topic"), plaintext, vapidKey, now, receivedNanos));
            exchange.getResponseHeaders().add("Location", origin() + "/message/" + received.size());
            respond(exchange, 201, null);
        }
    }

    private static void respond(HttpExchange exchange, int status, String retryAfter) throws IOException {
        if (retryAfter != null) {
            exchange.getResponseHeaders().add("Retry-After", retryAfter);
        }
        exchange.sendResponseHeaders(status, -1);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
