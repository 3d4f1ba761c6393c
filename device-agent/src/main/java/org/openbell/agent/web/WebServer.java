package org.openbell.agent.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the owner web app and its small JSON API over HTTPS (phone browsers grant the
 * microphone only to secure pages). Static files come from the {@code webapp/} folder on the
 * classpath, built from {@code device-agent/webapp}.
 *
 * <ul>
 *   <li>{@code GET /api/config}: what the page needs to reach the broker;</li>
 *   <li>{@code /api/pairing/...} and {@code /api/owners}: pairing phones ({@link PairingRoutes});</li>
 *   <li>{@code GET /api/status}: the doorbell's state;</li>
 *   <li>{@code POST /api/simulate/press}: press the simulated button (404 on real hardware);</li>
 *   <li>{@code GET /api/call/stats}: the media worker's stats for the call in progress (404 without one);</li>
 *   <li>{@code GET /api/simulate/microphone}: when the simulated microphone's tone bursts started
 *       (404 unless {@code media.audio: simulated}); the talk-back benchmark's reference.</li>
 * </ul>
 */
public final class WebServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "webmanifest", "application/manifest+json");

    static {
        // Read once by the JDK's HTTP server when its first server is made: a request must arrive
        // within 10 s of its connection's turn, a response be sent within 60 s, idle keep-alive
        // connections close after 30 s. Settings given on the command line win.
        limit("sun.net.httpserver.maxReqTime", "10");
        limit("sun.net.httpserver.maxRspTime", "60");
        limit("sun.net.httpserver.idleInterval", "30");
    }

    private static void limit(String property, String seconds) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, seconds);
        }
    }

    /** What the server needs from the agent. Implementations must not block. */
    public interface Api {
        /** The page's configuration; TURN credentials only for a paired owner when pairing is on. */
        org.openbell.agent.status.PageConfig pageConfig(String authorization);

        /** Pairing phones, when the broker has per-owner accounts. */
        Optional<org.openbell.agent.owners.Pairing> pairing();

        org.openbell.agent.status.AgentStatus status();

        /** Presses the simulated button; false when the board is real hardware. */
        boolean simulatePress();

        /** Simulates the PIR sensor seeing someone; false without a simulated PIR. */
        default boolean simulateMotion() {
            return false;
        }

        /** Fresh media stats of the call in progress, or empty when there is none. */
        java.util.Optional<Object> callStats();

        /** The simulated microphone's burst start times, or empty without simulated sound. */
        java.util.Optional<Object> simulatedMicrophone();
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final FrontDoor door;

    /** Adds a route (with the request limits in front). */
    interface Routes {
        void add(String path, com.sun.net.httpserver.HttpHandler handler);
    }

    private WebServer(HttpServer server, ExecutorService executor, FrontDoor door) {
        this.server = server;
        this.executor = executor;
        this.door = door;
    }

    public static WebServer start(String bind, int port, TlsIdentity tls, Api api) {
        return start(bind, port, tls, api, Optional.empty());
    }

    /**
     * Serves the owner app on {@code bind:port} (TLS), and with {@code mqtt} the broker's WebSocket
     * on the same origin at {@code /mqtt} ({@link FrontDoor}); the web server itself listens on
     * loopback behind it.
     */
    public static WebServer start(String bind, int port, TlsIdentity tls, Api api, Optional<MqttWebSocket> mqtt) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 64);
            BodyLimit limit = new BodyLimit();
            Routes route = (path, handler) -> server.createContext(path, handler).getFilters().add(limit);
            route.add("/api/config", exchange -> json(exchange, "GET",
                    () -> api.pageConfig(exchange.getRequestHeaders().getFirst("Authorization"))));
            new PairingRoutes(api.pairing()).register(route);
            route.add("/api/status", exchange -> json(exchange, "GET", api::status));
            route.add("/api/simulate/press", exchange -> {
                if (!method(exchange, "POST")) {
                    return;
                }
                boolean pressed = api.simulatePress();
                send(exchange, pressed ? 202 : 404, "application/json",
                        JSON.writeValueAsBytes(pressed ? Map.of("pressed", true)
                                : Map.of("error", "not a simulated board: press the real button")));
            });
            route.add("/api/simulate/motion", exchange -> {
                if (!method(exchange, "POST")) {
                    return;
                }
                boolean seen = api.simulateMotion();
                send(exchange, seen ? 202 : 404, "application/json",
                        JSON.writeValueAsBytes(seen ? Map.of("motion", true)
                                : Map.of("error", "no simulated motion sensor (hardware.pir on a simulated board)")));
            });
            route.add("/api/call/stats", exchange -> optionalJson(exchange, api::callStats, "no call in progress"));
            route.add("/api/simulate/microphone", exchange -> optionalJson(exchange, api::simulatedMicrophone,
                    "no simulated sound (media.audio is not simulated)"));
            // The doorbell's certificate authority, for phones that choose to trust this doorbell's page (README).
            tls.authorityCertificate().ifPresent(file -> route.add("/ca.crt", exchange -> {
                if (method(exchange, "GET")) {
                    byte[] pem = java.nio.file.Files.readAllBytes(file);
                    send(exchange, 200, "application/x-x509-ca-cert", pem);
                }
            }));
            route.add("/manifest.webmanifest", exchange -> {
                if (method(exchange, "GET")) {
                    String name = api.pageConfig(null).deviceName();
                    send(exchange, 200, TYPES.get("webmanifest"), AppManifest.json(name));
                }
            });
            route.add("/icons/", exchange -> {
                if (!method(exchange, "GET")) {
                    return;
                }
                Optional<byte[]> png = AppIcons.png(exchange.getRequestURI().getPath().substring("/icons/".length()));
                if (png.isPresent()) {
                    send(exchange, 200, "image/png", png.get());
                } else {
                    send(exchange, 404, "text/plain; charset=utf-8", "no such icon".getBytes(StandardCharsets.UTF_8));
                }
            });
            route.add("/", WebServer::staticFile);
            // One virtual thread per exchange: the JDK server reads each request on the executor's
            // thread, so a connection that sends nothing holds it (Chromium's speculative connections
            // starved a pool of four: the page never loaded). Virtual threads cost next to nothing
            // while they wait, and the limits in the static block close such connections.
            ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("openbell-web-", 0).factory());
            server.setExecutor(executor);
            server.start();
            FrontDoor door;
            try {
                door = FrontDoor.open(bind, port, tls.sslContext(),
                        new FrontDoor.Backend(server.getAddress(), javax.net.SocketFactory.getDefault()),
                        mqtt.map(m -> new FrontDoor.Backend(m.address(), m.sockets())));
            } catch (IOException e) {
                server.stop(0);
                executor.shutdownNow();
                throw e;
            }
            log.info("Owner app on https://{}:{}/{}", bind.equals("0.0.0.0") ? "<this-host>" : bind, door.port(),
                    mqtt.isPresent() ? " (and the broker's WebSocket at /mqtt)" : "");
            return new WebServer(server, executor, door);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve HTTPS on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return door.port();
    }

    /** The broker's WebSocket listener the owner app's {@code /mqtt} leads to, and how to connect to it. */
    public record MqttWebSocket(InetSocketAddress address, javax.net.SocketFactory sockets) {
    }

    @Override
    public void close() {
        door.close();
        server.stop(0);
        executor.shutdownNow();
    }

    private static void json(HttpExchange exchange, String method, Supplier<?> body) throws IOException {
        if (method(exchange, method)) {
            send(exchange, 200, "application/json", JSON.writeValueAsBytes(body.get()));
        }
    }

    /** GET: the body when there is one, else 404 with {@code missing} as the error. */
    private static void optionalJson(HttpExchange exchange, Supplier<java.util.Optional<Object>> body, String missing) throws IOException {
        if (method(exchange, "GET")) {
            var value = body.get();
            send(exchange, value.isPresent() ? 200 : 404, "application/json",
                    JSON.writeValueAsBytes(value.isPresent() ? value.get() : Map.of("error", missing)));
        }
    }

    static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    /** Whether the request uses {@code method}; HEAD counts as GET (headers only). Else 405 with Allow. */
    private static boolean method(HttpExchange exchange, String method) throws IOException {
        String asked = exchange.getRequestMethod();
        if (asked.equals(method) || method.equals("GET") && asked.equals("HEAD")) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", method.equals("GET") ? "GET, HEAD" : method);
        send(exchange, 405, "text/plain; charset=utf-8", "method not allowed".getBytes(StandardCharsets.UTF_8));
        return false;
    }

    private static void staticFile(HttpExchange exchange) throws IOException {
        if (!method(exchange, "GET")) {
            return;
        }
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/") || path.isEmpty()) {
            path = "/index.html";
        } else if (path.equals("/demo")) {
            path = "/demo.html";
        }
        Optional<byte[]> body = path.contains("..") || path.contains("//") ? Optional.empty() : resource(path);
        if (body.isEmpty()) {
            send(exchange, 404, "text/plain; charset=utf-8", ("not found: " + path).getBytes(StandardCharsets.UTF_8));
            return;
        }
        String ext = path.substring(path.lastIndexOf('.') + 1);
        send(exchange, 200, TYPES.getOrDefault(ext, "application/octet-stream"), body.get());
    }

    private static Optional<byte[]> resource(String path) throws IOException {
        try (InputStream in = WebServer.class.getResourceAsStream("/webapp" + path)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", type);
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Content-Security-Policy",
                "default-src 'self'; connect-src 'self' wss: ws:; img-src 'self' data: blob:; media-src 'self' blob:; worker-src 'self' blob:; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }
}
