package org.openbell.agent.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.openbell.signaling.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner app's one origin: the TLS port phones open ({@code web.port}), in front of the web
 * server and the broker's WebSocket. A request for {@code /mqtt} that asks to upgrade to a
 * WebSocket goes to the broker; every other request to the web server (both on loopback). Phones
 * then accept the doorbell's certificate once, for the page and its MQTT alike: a second origin
 * (the broker's own port) needed its own certificate exception, which no one guesses (Firefox
 * stayed on "reconnecting..." for ever) and which iPhone Safari refuses for WebSockets outright.
 *
 * <p>After the first request's head the two sides are joined byte for byte; a connection keeps
 * the backend its first request chose (browsers open a connection of its own for a WebSocket).
 */
final class FrontDoor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FrontDoor.class);
    /** A request head larger than this is refused (no route needs more). */
    static final int MAX_HEAD_BYTES = 16 * 1024;
    /** The TLS handshake and the first request head must arrive within this. */
    static final int HEAD_TIMEOUT_MS = 10_000;
    static final int MAX_CONNECTIONS = 256;

    /** Where a request goes: a loopback address, plain or TLS. */
    record Backend(InetSocketAddress address, SocketFactory sockets) {
    }

    private final ServerSocket server;
    private final Backend web;
    private final Optional<Backend> mqtt;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("openbell-door-", 0).factory());
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private volatile boolean closed;

    private FrontDoor(ServerSocket server, Backend web, Optional<Backend> mqtt) {
        this.server = server;
        this.web = web;
        this.mqtt = mqtt;
    }

    static FrontDoor open(String bind, int port, SSLContext tls, Backend web, Optional<Backend> mqtt) throws IOException {
        SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(bind), port), 128);
        server.setEnabledProtocols(java.util.Arrays.stream(server.getEnabledProtocols())
                .filter(p -> p.equals("TLSv1.2") || p.equals("TLSv1.3")).toArray(String[]::new));
        FrontDoor door = new FrontDoor(server, web, mqtt);
        Thread.ofPlatform().daemon().name("openbell-door-accept").start(door::accept);
        return door;
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("Web port: accept failed: {}", e.toString());
                }
                continue;
            }
            if (!slots.tryAcquire()) {
                log.warn("Web port: {} connections open; refusing one from {}", MAX_CONNECTIONS, client.getInetAddress().getHostAddress());
                closeQuietly(client);
                continue;
            }
            threads.execute(() -> {
                try {
                    serve(client);
                } finally {
                    slots.release();
                }
            });
        }
    }

    private void serve(Socket client) {
        Socket backend = null;
        try (client) {
            client.setSoTimeout(HEAD_TIMEOUT_MS);
            client.setTcpNoDelay(true);
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            if (head == null) {
                return; // closed, timed out or too big before a whole head: nothing to answer
            }
            Backend target = isMqttUpgrade(head) ? mqtt.orElse(web) : web;
            backend = target.sockets().createSocket();
            backend.connect(target.address(), 5000);
            backend.setTcpNoDelay(true);
            client.setSoTimeout(0); // the backends keep their own idle limits
            OutputStream toBackend = backend.getOutputStream();
            toBackend.write(head);
            toBackend.flush();
            OutputStream backendOut = toBackend;
            Socket b = backend;
            var upstream = threads.submit(() -> copy(in, backendOut, b));
            copy(backend.getInputStream(), client.getOutputStream(), client);
            upstream.cancel(true);
        } catch (IOException e) {
            log.debug("Web port connection: {}", e.toString());
        } finally {
            if (backend != null) {
                closeQuietly(backend);
            }
        }
    }

    /** Reads up to the end of the first request head (CRLF CRLF); null if it never comes whole. */
    static byte[] readHead(InputStream in) throws IOException {
        byte[] buffer = new byte[MAX_HEAD_BYTES];
        int length = 0;
        try {
            while (length < buffer.length) {
                int n = in.read(buffer, length, buffer.length - length);
                if (n < 0) {
                    return null;
                }
                int from = Math.max(0, length - 3);
                length += n;
                for (int i = from; i + 3 < length; i++) {
                    if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n') {
                        return java.util.Arrays.copyOf(buffer, length); // the head, and whatever came after it
                    }
                }
            }
        } catch (SocketTimeoutException e) {
            return null;
        }
        log.warn("Web port: a request head over {} bytes, refused", MAX_HEAD_BYTES);
        return null;
    }

    /** GET /mqtt (or /mqtt?...) with {@code Upgrade: websocket}. */
    static boolean isMqttUpgrade(byte[] head) {
        String text = new String(head, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end < 0 ? text.length() : end).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[0].equals("GET")) {
            return false;
        }
        String path = requestLine[1];
        if (!(path.equals("/mqtt") || path.startsWith("/mqtt?"))) {
            return false;
        }
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase("upgrade")
                    && lines[i].substring(colon + 1).trim().toLowerCase(Locale.ROOT).equals("websocket")) {
                return true;
            }
        }
        return false;
    }

    private static void copy(InputStream from, OutputStream to, Socket closeWhenDone) {
        byte[] buffer = new byte[16 * 1024];
        try {
            int n;
            while ((n = from.read(buffer)) >= 0) {
                to.write(buffer, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            log.trace("Web port copy ended: {}", LogSafe.text(e.toString()));
        } finally {
            closeQuietly(closeWhenDone);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}
