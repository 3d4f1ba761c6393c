package org.openbell.agent.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.TrustAll;
import org.openbell.agent.owners.Pairing;

class WebServerTest {

    @TempDir
    Path state;

    /**
     * Browsers open connections ahead of need and leave them silent (Chromium did, and the page
     * never loaded while four such connections held the server's four threads); anyone on the
     * network can do it on purpose. Silent connections must not keep others from being served.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void silentConnectionsDoNotStarveThePage() throws Exception {
        try (WebServer web = WebServer.start("127.0.0.1", 0, TlsIdentity.loadOrGenerate(null, null, state), new StatusOnly())) {
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 32; i++) {
                    // Connected and TLS set up, then nothing: no request line.
                    SSLSocket socket = (SSLSocket) TrustAll.context().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), web.port());
                    socket.startHandshake();
                    silent.add(socket);
                }
                HttpClient client = HttpClient.newBuilder().sslContext(TrustAll.context()).connectTimeout(Duration.ofSeconds(5)).build();
                HttpResponse<String> status = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + web.port() + "/api/status"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, status.statusCode());
                assertEquals("IDLE", new com.fasterxml.jackson.databind.ObjectMapper().readTree(status.body()).path("state").asText(), status.body());
                // And the server hangs up on a silent connection (sun.net.httpserver.maxReqTime, 10 s).
                Socket first = silent.getFirst();
                first.setSoTimeout(40_000);
                long started = System.nanoTime();
                int read;
                try {
                    read = first.getInputStream().read();
                } catch (java.io.IOException closed) {
                    read = -1;
                }
                assertEquals(-1, read, "closed by the server after " + (System.nanoTime() - started) / 1_000_000 + " ms");
            } finally {
                for (Socket socket : silent) {
                    socket.close();
                }
            }
        }
    }

    /** Issue 11, defect 7: HEAD on the page's routes answered 405; huge bodies dropped the connection instead of 413. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void headIsAnsweredAndHugeBodiesGet413() throws Exception {
        try (WebServer web = WebServer.start("127.0.0.1", 0, TlsIdentity.loadOrGenerate(null, null, state), new StatusOnly())) {
            HttpClient client = HttpClient.newBuilder().sslContext(TrustAll.context()).connectTimeout(Duration.ofSeconds(5)).build();
            String base = "https://127.0.0.1:" + web.port();
            for (String path : List.of("/", "/api/status", "/demo")) {
                HttpResponse<String> head = client.send(HttpRequest.newBuilder(URI.create(base + path))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, head.statusCode(), "HEAD " + path);
                assertEquals("", head.body());
            }
            byte[] huge = new byte[10 << 20];
            for (String path : List.of("/api/pairing/redeem", "/api/simulate/press", "/api/pairing/codes")) {
                HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create(base + path))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(huge)).timeout(Duration.ofSeconds(20)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(413, refused.statusCode(), "POST of 10 MiB to " + path);
            }
            // Without a declared length (chunked), over the limit: 413 too.
            HttpResponse<String> chunked = client.send(HttpRequest.newBuilder(URI.create(base + "/api/pairing/redeem"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[64 << 10])))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, chunked.statusCode());
        }
    }

    static final class StatusOnly implements WebServer.Api {
        @Override
        public org.openbell.agent.status.PageConfig pageConfig(String authorization) {
            return new org.openbell.agent.status.PageConfig("front-door", "Front door", "openbell", null, true, 1, "off",
                    null, null, null, null, null, null);
        }

        @Override
        public Optional<Pairing> pairing() {
            return Optional.empty();
        }

        @Override
        public org.openbell.agent.status.AgentStatus status() {
            return new org.openbell.agent.status.AgentStatus("front-door", "IDLE", null, 0, null, false, null, null, "simulated",
                    null, null, Map.of(), new org.openbell.agent.status.AgentStatus.InboundMessages(0, 0, 0),
                    new org.openbell.agent.status.AgentStatus.Call("idle", null, null, null, null, 0, 0, false, 0, java.util.List.of()),
                    org.openbell.agent.status.AgentStatus.Push.OFF, null, new org.openbell.agent.status.AgentStatus.Door(false, 0, null),
                    new org.openbell.agent.status.AgentStatus.Replies(0, false, null));
        }

        @Override
        public boolean simulatePress() {
            return false;
        }

        @Override
        public Optional<Object> callStats() {
            return Optional.empty();
        }

        @Override
        public Optional<Object> simulatedMicrophone() {
            return Optional.empty();
        }
    }
}
