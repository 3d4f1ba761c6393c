package org.openbell.agent.push;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.openbell.push.Aes128Gcm;
import org.openbell.push.P256;
import org.openbell.push.Vapid;
import org.openbell.signaling.testing.TestCertificates;

/**
 * A push service for tests (RFC 8030), on HTTPS at {@code localhost} with its own test CA,
 * speaking HTTP/2 (and HTTP/1.1, by ALPN) as FCM, Apple's and Mozilla's services do. It
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

    private final Server server;
    private final ServerConnector connector;
    private final AtomicInteger tlsConnections = new AtomicInteger();
    private final Path caFile;
    private final Map<String, Keys> keys = new ConcurrentHashMap<>();
    private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
    private final List<Received> received = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<String> refusals = java.util.Collections.synchronizedList(new ArrayList<>());

    private final boolean benchmark;
    private final List<Arrival> unchecked = new ArrayList<>();
    private long lastArrivalNanos;

    private PushServiceStandIn(Server server, ServerConnector connector, Path caFile, boolean benchmark) {
        this.server = server;
        this.connector = connector;
        this.caFile = caFile;
        this.benchmark = benchmark;
    }

    public static PushServiceStandIn start(Path dir) throws Exception {
        return start(dir, false);
    }

    /** A service whose TLS takes only these key-exchange groups (e.g. no X25519). */
    public static PushServiceStandIn startWithGroups(Path dir, String... namedGroups) throws Exception {
        return start(dir, false, namedGroups);
    }

    /**
     * For the benchmark: every push is answered 201 at once; connections idle for half a second are
     * closed (a doorbell idle for minutes finds its push connections gone, so each ring opens
     * new ones, as it would at FCM); and every push is checked,
     * exactly as otherwise, only once pushes stop arriving, so the stand-in's own elliptic-curve
     * work does not take the two cores from the doorbell it measures. Scripts are not used.
     */
    public static PushServiceStandIn startForBenchmark(Path dir) throws Exception {
        return start(dir, true);
    }

    private static PushServiceStandIn start(Path dir, boolean benchmark, String... namedGroups) throws Exception {
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
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(new SecureRequestCustomizer());
        HttpConnectionFactory h1 = new HttpConnectionFactory(http);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(h1.getProtocol());
        SslContextFactory.Server tls = new SslContextFactory.Server() {
            @Override
            public void customize(javax.net.ssl.SSLEngine engine) {
                super.customize(engine);
                if (namedGroups.length > 0) {
                    javax.net.ssl.SSLParameters parameters = engine.getSSLParameters();
                    parameters.setNamedGroups(namedGroups);
                    engine.setSSLParameters(parameters);
                }
            }
        };
        tls.setSslContext(ssl);
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, alpn.getProtocol()), alpn, h2, h1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        if (benchmark) {
            connector.setIdleTimeout(500);
        }
        server.addConnector(connector);
        PushServiceStandIn standIn = new PushServiceStandIn(server, connector, ca.caFile("push"), benchmark);
        connector.addEventListener(new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                if (connection instanceof SslConnection) {
                    standIn.tlsConnections.incrementAndGet();
                }
            }
        });
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                standIn.handle(request, response);
                callback.succeeded();
                return true;
            }
        });
        server.start();
        return standIn;
    }

    /** TLS connections opened to this service so far (HTTP/2 carries any number of pushes on one). */
    public int tlsConnections() {
        return tlsConnections.get();
    }

    /** The CA file the doorbell must trust ({@code push.caFile}). */
    public Path caFile() {
        return caFile;
    }

    /** The {@code push.allowedHosts} entry for this service. */
    public String host() {
        return "localhost:" + connector.getLocalPort();
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
            checkArrivals(50);
            List<Received> matching = received().stream().filter(r -> r.plaintext().contains(text)).toList();
            if (matching.size() >= count || System.nanoTime() > deadline) {
                return matching;
            }
            Thread.sleep(10);
        }
    }

    /**
     * The plaintext of a push to {@code subscription} containing {@code text}, as soon as it arrives
     * (decrypted here at once, before the benchmark's deferred checks), or null after {@code timeoutMs}.
     */
    public String awaitPlaintext(Subscription subscription, String text, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Keys k = keys.get(subscription.id());
        while (System.nanoTime() < deadline) {
            for (Received r : received()) { // checked already (not in benchmark mode)
                if (r.subscription().equals(subscription.id()) && r.plaintext().contains(text)) {
                    return r.plaintext();
                }
            }
            List<byte[]> bodies = new ArrayList<>();
            synchronized (unchecked) {
                unchecked.stream().filter(a -> a.id().equals(subscription.id())).forEach(a -> bodies.add(a.body()));
            }
            for (byte[] body : bodies) {
                String plaintext;
                try {
                    plaintext = new String(Aes128Gcm.decrypt(body, k.pair(), k.auth()), StandardCharsets.UTF_8);
                } catch (Exception e) {
                    continue; // the deferred check records it as refused
                }
                if (plaintext.contains(text)) {
                    return plaintext;
                }
            }
            Thread.sleep(2);
        }
        return null;
    }

    /** A push as it arrived, before any check. */
    private record Arrival(String id, HttpFields headers, byte[] body, Instant at, long nanos) {
    }

    /** The outcome of checking an arrival: the status a real service would answer, and why. */
    private record Checked(int status, String retryAfter) {
    }

    private void handle(Request request, Response response) throws IOException {
        long receivedNanos = System.nanoTime();
        String path = request.getHttpURI().getPath();
        Instant now = Instant.now();
        ByteBuffer content = Content.Source.asByteBuffer(request);
        byte[] body = new byte[content.remaining()];
        content.get(body);
        String id = path.startsWith("/push/") ? path.substring("/push/".length()) : "";
        if (!"POST".equals(request.getMethod()) || !keys.containsKey(id)) {
            response.setStatus(404);
            return;
        }
        Arrival arrival = new Arrival(id, request.getHeaders().asImmutable(), body, now, receivedNanos);
        if (benchmark) {
            // Answer at once; check later, off the doorbell's CPU.
            synchronized (unchecked) {
                unchecked.add(arrival);
                lastArrivalNanos = receivedNanos;
            }
            response.setStatus(201);
            return;
        }
        Deque<Answer> script = scripts.get(id);
        Answer answer = script == null ? null : script.poll();
        if (answer != null && answer.delayMs() > 0) {
            try {
                Thread.sleep(answer.delayMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        Checked checked = check(arrival, answer);
        if (checked.status() == 201) {
            response.getHeaders().put("Location", origin() + "/message/" + received.size());
        }
        if (checked.retryAfter() != null) {
            response.getHeaders().put("Retry-After", checked.retryAfter());
        }
        response.setStatus(checked.status());
    }

    /** Verifies the VAPID token and decrypts the body, as the push service and phone would; records what passes. */
    private Checked check(Arrival a, Answer answer) {
        Keys k = keys.get(a.id());
        String vapidKey;
        try {
            vapidKey = P256.base64Url(Vapid.verify(a.headers().get("Authorization"), origin(), a.at()));
        } catch (Exception e) {
            refusals.add("VAPID: " + e.getMessage());
            return new Checked(403, null);
        }
        String plaintext = "";
        if (a.body().length > 0) {
            if (!"aes128gcm".equals(a.headers().get("Content-Encoding"))) {
                refusals.add("Content-Encoding " + a.headers().get("Content-Encoding"));
                return new Checked(415, null);
            }
            try {
                plaintext = new String(Aes128Gcm.decrypt(a.body(), k.pair(), k.auth()), StandardCharsets.UTF_8);
            } catch (Exception e) {
                refusals.add("decrypt: " + e.getMessage());
                return new Checked(400, null);
            }
        }
        if (answer != null && answer.status() != 201) {
            return new Checked(answer.status(), answer.retryAfter());
        }
        String ttl = a.headers().get("TTL");
        received.add(new Received(a.id(), ttl == null ? -1 : Long.parseLong(ttl), a.headers().get("Urgency"),
                a.headers().get("Topic"), plaintext, vapidKey, a.at(), a.nanos()));
        return new Checked(201, null);
    }

    /** In benchmark mode: checks what arrived once nothing has for {@code quietMs}, on the caller's thread. */
    private void checkArrivals(long quietMs) {
        List<Arrival> batch;
        synchronized (unchecked) {
            if (unchecked.isEmpty() || System.nanoTime() - lastArrivalNanos < TimeUnit.MILLISECONDS.toNanos(quietMs)) {
                return;
            }
            batch = new ArrayList<>(unchecked);
            unchecked.clear();
        }
        batch.forEach(a -> check(a, null));
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
