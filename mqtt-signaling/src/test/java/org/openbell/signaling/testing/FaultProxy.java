package org.openbell.signaling.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback, in front of a real broker, whose behaviour the test switches at any
 * moment: the faults a doorbell meets between it and its broker.
 * <ul>
 *   <li>{@link Mode#PASS}: bytes flow both ways;</li>
 *   <li>{@link Mode#REFUSE}: nothing listens (connection refused); open connections are closed;</li>
 *   <li>{@link Mode#ACCEPT_AND_CLOSE}: open connections are closed, new ones accepted and closed at
 *       once (a load balancer or proxy in front of a broker that went down, or a broker at its
 *       connection limit);</li>
 *   <li>{@link Mode#BLACKHOLE}: connections are accepted but every byte, on open connections too, is
 *       dropped and nothing is closed (a silent link: a dead Wi-Fi, a NAT that lost its mapping).
 *       Leaving it closes the connections it swallowed, as the peers would have by then.</li>
 * </ul>
 */
public final class FaultProxy implements AutoCloseable {

    public enum Mode { PASS, REFUSE, ACCEPT_AND_CLOSE, BLACKHOLE }

    private final int targetPort;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile Mode mode = Mode.PASS;
    private volatile ServerSocket server;
    private volatile boolean closed;
    /** Connections opened while blackholed, or open when the blackhole began: never forwarded again. */
    private final Set<Socket> swallowed = ConcurrentHashMap.newKeySet();

    private FaultProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            this.port = probe.getLocalPort();
        }
        listen();
    }

    /** A proxy on a free loopback port forwarding to {@code 127.0.0.1:targetPort}. */
    public static FaultProxy to(int targetPort) {
        try {
            return new FaultProxy(targetPort);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fault proxy: " + e, e);
        }
    }

    public String tcpUri() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Connections accepted so far (in any mode but REFUSE). */
    public int accepted() {
        return accepted.get();
    }

    public Mode mode() {
        return mode;
    }

    public synchronized void mode(Mode next) {
        Mode previous = mode;
        mode = next;
        if (next == Mode.REFUSE) {
            closeServer();
            closeAll(open);
        } else if (previous == Mode.REFUSE) {
            listen();
        }
        if (next == Mode.ACCEPT_AND_CLOSE) {
            closeAll(open); // the broker behind the proxy went down: its connections went with it
        }
        if (next == Mode.BLACKHOLE) {
            swallowed.addAll(open);
        } else if (previous == Mode.BLACKHOLE) {
            closeAll(swallowed);
            swallowed.clear();
        }
    }

    private void listen() {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            server = s;
            Thread.ofPlatform().daemon().name("fault-proxy-accept-" + port).start(() -> accept(s));
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + port + ": " + e, e);
        }
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            Mode now = mode;
            if (now == Mode.ACCEPT_AND_CLOSE || now == Mode.REFUSE) {
                closeQuietly(client);
                continue;
            }
            open.add(client);
            if (now == Mode.BLACKHOLE) {
                swallowed.add(client);
                Thread.ofPlatform().daemon().name("fault-proxy-sink-" + port).start(() -> drain(client));
                continue;
            }
            try {
                Socket broker = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                broker.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                open.add(broker);
                pipe(client, broker);
                pipe(broker, client);
            } catch (IOException e) {
                closeQuietly(client);
                open.remove(client);
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread.ofPlatform().daemon().name("fault-proxy-pipe-" + port).start(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (mode == Mode.BLACKHOLE || swallowed.contains(from) || swallowed.contains(to)) {
                        swallowed.add(from);
                        swallowed.add(to);
                        continue; // dropped on the floor
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                if (!swallowed.contains(from)) {
                    closeQuietly(from);
                    closeQuietly(to);
                }
                open.remove(from);
            }
        });
    }

    private void drain(Socket client) {
        byte[] buffer = new byte[16384];
        try (InputStream in = client.getInputStream()) {
            while (in.read(buffer) >= 0) {
                // swallowed
            }
        } catch (IOException e) {
            // closed
        } finally {
            open.remove(client);
        }
    }

    private void closeServer() {
        ServerSocket s = server;
        server = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private static void closeAll(Set<Socket> sockets) {
        for (Socket s : Set.copyOf(sockets)) {
            closeQuietly(s);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        closeServer();
        closeAll(open);
    }

    /** Whether a TCP connection to the proxy is accepted now (for REFUSE checks). */
    public boolean acceptsConnections() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (SocketException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
