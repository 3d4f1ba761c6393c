package org.openbell.signaling.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.openbell.signaling.mqtt.MqttSettings;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Mosquitto for tests: its own config, persistence and log in a temporary directory,
 * MQTT/TCP and WebSocket listeners on free loopback ports. It can be stopped and started again
 * on the same ports with the same persisted sessions, to test outages.
 */
public final class MosquittoBroker implements AutoCloseable {

    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/mosquitto"), Path.of("/usr/bin/mosquitto"),
            Path.of("/usr/local/sbin/mosquitto"));

    private final Path binary;
    private final Path dir;
    private final Path config;
    private final int tcpPort;
    private final int webSocketPort;
    private int tlsPort = -1;
    private Process process;

    private final String webSocketBind;
    private final String tcpBind;
    private final String namespace;

    private MosquittoBroker(Path binary, Path dir, int tcpPort, int webSocketPort, String webSocketBind, String access)
            throws IOException {
        this(binary, dir, tcpPort, webSocketPort, "127.0.0.1", webSocketBind, access, null);
    }

    private MosquittoBroker(Path binary, Path dir, int tcpPort, int webSocketPort, String tcpBind, String webSocketBind,
            String access, String namespace) throws IOException {
        this.webSocketBind = webSocketBind;
        this.tcpBind = tcpBind;
        this.namespace = namespace;
        this.binary = binary;
        this.dir = dir;
        this.tcpPort = tcpPort;
        this.webSocketPort = webSocketPort;
        this.config = dir.resolve("mosquitto.conf");
        Files.writeString(config, """
                # Written by the Openbell test harness.
                per_listener_settings false
                %s
                # Small latency-bound messages (rings, ICE candidates): no Nagle delay behind unacknowledged ones.
                set_tcp_nodelay true
                %s
                listener %d %s
                %s
                listener %d %s
                protocol websockets
                %s
                # Without this, Mosquitto 2.0's websockets listener ignores its address and listens everywhere.
                socket_domain ipv4
                persistence true
                persistence_location %s/
                autosave_interval 1
                log_dest file %s
                log_type error
                log_type warning
                log_type notice
                log_type information
                log_timestamp_format %%H:%%M:%%S
                user root
                """.formatted(access, access.contains(NO_PACKET_LIMIT) ? "" : "max_packet_size " + MqttSettings.DEFAULT_MAX_PACKET_SIZE,
                tcpPort, tcpBind, listenerOptions(access), webSocketPort, webSocketBind, listenerOptions(access), dir, dir.resolve("mosquitto.log")));
    }

    private static final String NO_PACKET_LIMIT = "# no max_packet_size";
    private static final String BIND_CLIENT_IDS = "# use_username_as_clientid";

    /** What scripts/broker-config sets on each listener (it is a listener option in Mosquitto). */
    private static String listenerOptions(String access) {
        return access.contains(BIND_CLIENT_IDS) ? "use_username_as_clientid true" : "";
    }

    /**
     * As {@link #start()}, without the packet size limit scripts/broker-config sets: a broker that
     * forwards anything it was given, to test that clients protect themselves.
     */
    public static MosquittoBroker startWithoutPacketLimit() {
        return start("127.0.0.1", "allow_anonymous true\n" + NO_PACKET_LIMIT);
    }

    /** Starts a broker on free loopback ports and waits until it accepts connections (packets up to MqttSettings.DEFAULT_MAX_PACKET_SIZE, as scripts/broker-config). */
    public static MosquittoBroker start() {
        return start("127.0.0.1");
    }

    /**
     * As {@link #start()}, with the WebSocket listener on {@code webSocketBind} (an address of a
     * network namespace link the caller created, for browsers in another namespace).
     */
    public static MosquittoBroker start(String webSocketBind) {
        return start(webSocketBind, "allow_anonymous true");
    }

    /**
     * A broker that refuses anonymous clients and checks {@code passwd} and {@code acl} (files as
     * scripts/broker-config writes them); {@link #reload()} re-reads them.
     */
    public static MosquittoBroker startWithAccessControl(Path passwd, Path acl) {
        return start("127.0.0.1", "allow_anonymous false\n" + BIND_CLIENT_IDS + "\npassword_file " + passwd.toAbsolutePath()
                + "\nacl_file " + acl.toAbsolutePath());
    }

    /**
     * As {@link #start()}, plus an MQTT-over-TLS listener on a free loopback port with the given
     * PEM certificate and key ({@link #tlsUri(String)}).
     */
    public static MosquittoBroker startWithTls(Path certFile, Path keyFile) {
        int port;
        try {
            port = freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MosquittoBroker broker = start("127.0.0.1", "allow_anonymous true\nlistener " + port + " 127.0.0.1\ncertfile "
                + certFile.toAbsolutePath() + "\nkeyfile " + keyFile.toAbsolutePath() + "\ntls_version tlsv1.2");
        broker.tlsPort = port;
        return broker;
    }

    /** The TLS listener's URI with {@code host} as the name to check the certificate against (resolving to loopback). */
    public String tlsUri(String host) {
        if (tlsPort < 0) {
            throw new IllegalStateException("this broker has no TLS listener (use startWithTls)");
        }
        return "ssl://" + host + ":" + tlsPort;
    }

    /**
     * An open broker inside network namespace {@code namespace}, both listeners on {@code bind} (an
     * address of that namespace the test's own namespace can route to), standard ports 1883 and 8080.
     */
    public static MosquittoBroker startInNamespace(String namespace, String bind) {
        try {
            MosquittoBroker broker = new MosquittoBroker(binary(), Files.createTempDirectory("openbell-mosquitto-"), 1883, 8080,
                    bind, bind, "allow_anonymous true", namespace);
            broker.startAgain();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * As {@link #startWithAccessControl}, inside network namespace {@code namespace} on {@code bind},
     * ports 1883 and 8080 (scripts/bench-fleet: the broker on a machine of its own, as the cluster's nodes).
     */
    public static MosquittoBroker startWithAccessControlInNamespace(String namespace, String bind, Path passwd, Path acl) {
        try {
            MosquittoBroker broker = new MosquittoBroker(binary(), Files.createTempDirectory("openbell-mosquitto-"), 1883, 8080, bind, bind,
                    "allow_anonymous false\n" + BIND_CLIENT_IDS + "\npassword_file " + passwd.toAbsolutePath() + "\nacl_file "
                            + acl.toAbsolutePath(), namespace);
            broker.startAgain();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The broker process's pid (for its CPU time and memory). */
    public synchronized long pid() {
        return process.pid();
    }

    private static Path binary() {
        return CANDIDATES.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(
                "mosquitto not found: run scripts/test (it installs it) or apt-get install mosquitto"));
    }

    private static MosquittoBroker start(String webSocketBind, String access) {
        try {
            MosquittoBroker broker = new MosquittoBroker(binary(), Files.createTempDirectory("openbell-mosquitto-"),
                    freePort(), freePort(), webSocketBind, access);
            broker.startAgain();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes the broker re-read its password file and access list (SIGHUP), as an operator would after a change. */
    public synchronized void reload() {
        Path log = dir.resolve("mosquitto.log");
        try {
            long before = reloads(log);
            new ProcessBuilder("kill", "-HUP", String.valueOf(process.pid())).inheritIO().start().waitFor();
            // Mosquitto logs this, then re-reads the files, before it handles any other client packet.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (reloads(log) == before) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("mosquitto did not reload its configuration");
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long reloads(Path log) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.contains("Reloading config")).count() : 0;
    }

    public String tcpUri() {
        return "tcp://" + tcpBind + ":" + tcpPort;
    }

    public String webSocketUri() {
        return "ws://" + webSocketBind + ":" + webSocketPort + "/mqtt";
    }

    public int tcpPort() {
        return tcpPort;
    }

    /** (Re)starts the broker on the same ports with the same persisted state. */
    public synchronized void startAgain() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            List<String> command = new java.util.ArrayList<>();
            if (namespace != null) {
                command.addAll(List.of("ip", "netns", "exec", namespace));
            }
            command.addAll(List.of(binary.toString(), "-c", config.toString()));
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!accepts(tcpBind, tcpPort) || !accepts(webSocketBind, webSocketPort)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("mosquitto exited with " + process.exitValue() + ":\n" + log());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("mosquitto did not listen within 15 s:\n" + log());
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the broker (SIGTERM: it saves its sessions) and waits for it to exit. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The broker's log so far, for diagnosing a failed test. */
    public String log() {
        try {
            Path log = dir.resolve("mosquitto.log");
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    private static boolean accepts(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
