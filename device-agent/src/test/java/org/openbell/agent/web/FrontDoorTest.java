package org.openbell.agent.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The owner app's one origin: WebSocket upgrades of /mqtt go to the broker, everything else to the web server. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FrontDoorTest {

    @TempDir
    Path state;

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void onlyAWebSocketUpgradeOfMqttGoesToTheBroker() {
        assertTrue(FrontDoor.isMqttUpgrade(bytes("GET /mqtt HTTP/1.1\r\nHost: d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")));
        assertTrue(FrontDoor.isMqttUpgrade(bytes("GET /mqtt?x=1 HTTP/1.1\r\nupgrade:  WebSocket \r\n\r\n")));
        assertFalse(FrontDoor.isMqttUpgrade(bytes("GET /mqtt HTTP/1.1\r\nHost: d\r\n\r\n")), "no upgrade: the web server answers");
        assertFalse(FrontDoor.isMqttUpgrade(bytes("POST /mqtt HTTP/1.1\r\nUpgrade: websocket\r\n\r\n")));
        assertFalse(FrontDoor.isMqttUpgrade(bytes("GET /mqttx HTTP/1.1\r\nUpgrade: websocket\r\n\r\n")));
        assertFalse(FrontDoor.isMqttUpgrade(bytes("GET /api/status HTTP/1.1\r\nUpgrade: websocket\r\n\r\n")));
        assertFalse(FrontDoor.isMqttUpgrade(bytes("garbage\r\n\r\n")));
    }

    @Test
    void aHeadIsReadWithWhatFollowsItAndAnEndlessOneIsRefused() throws Exception {
        byte[] request = bytes("POST /x HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi");
        assertEquals("POST /x HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi",
                new String(FrontDoor.readHead(new ByteArrayInputStream(request)), StandardCharsets.ISO_8859_1));
        assertNull(FrontDoor.readHead(new ByteArrayInputStream(bytes("GET / HTTP/1.1\r\nHost: d\r\n"))), "cut off before the end");
        assertNull(FrontDoor.readHead(new ByteArrayInputStream(new byte[FrontDoor.MAX_HEAD_BYTES + 10])), "too big");
    }

    @Test
    void requestsReachTheirBackendThroughTls() throws Exception {
        TlsIdentity tls = TlsIdentity.loadOrGenerate(null, null, state);
        try (ServerSocket web = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                ServerSocket broker = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                FrontDoor door = FrontDoor.open("127.0.0.1", 0, tls.sslContext(),
                        new FrontDoor.Backend((InetSocketAddress) web.getLocalSocketAddress(), SocketFactory.getDefault()),
                        Optional.of(new FrontDoor.Backend((InetSocketAddress) broker.getLocalSocketAddress(), SocketFactory.getDefault())))) {
            CompletableFuture<String> atWeb = answerOnce(web, "web");
            CompletableFuture<String> atBroker = answerOnce(broker, "broker");
            assertEquals("web", exchange(tls, door.port(), "GET / HTTP/1.1\r\nHost: d\r\n\r\n"));
            assertTrue(atWeb.get(5, TimeUnit.SECONDS).startsWith("GET / HTTP/1.1"));
            assertEquals("broker", exchange(tls, door.port(), "GET /mqtt HTTP/1.1\r\nHost: d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"));
            assertTrue(atBroker.get(5, TimeUnit.SECONDS).startsWith("GET /mqtt HTTP/1.1"));
        }
    }

    /** Accepts one connection, reads its head, answers {@code reply} and closes. */
    private static CompletableFuture<String> answerOnce(ServerSocket server, String reply) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                byte[] head = FrontDoor.readHead(s.getInputStream());
                s.getOutputStream().write(bytes(reply));
                return new String(head, StandardCharsets.ISO_8859_1);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String exchange(TlsIdentity tls, int port, String request) throws Exception {
        try (SSLSocket s = (SSLSocket) tls.trustingItself().getSocketFactory().createSocket("127.0.0.1", port)) {
            s.getOutputStream().write(bytes(request));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
