package org.openbell.agent.integration;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One RabbitMQ 4 node from Debian trixie's own package, run in a trixie root (built by
 * scripts/test: {@code ensure_trixie_rabbitmq_root}) with the MQTT and Web MQTT plugins, in a
 * network namespace of its own ({@link ClusterNetwork}) on the usual ports, its Erlang node name
 * the long name {@code name@address}, its data in a folder of its own under the root. Needs root
 * (namespaces, chroot, mounts).
 */
public final class RabbitMqNode implements AutoCloseable {

    public static final Path ROOT = Path.of(System.getenv().getOrDefault("OPENBELL_RABBITMQ_ROOT", "/var/cache/openbell-test/trixie-rabbitmq"));

    public static final int MQTT_PORT = 1883;
    public static final int WEB_MQTT_PORT = 15675;

    final String name;
    final String address;
    private final ClusterNetwork network;
    private final int index;
    private final Path home; // inside the root
    private Process server;

    /** Whether nodes can run here; else why not. */
    public static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "RabbitMQ nodes need root (chroot into the trixie root)";
        }
        if (!Files.isExecutable(ROOT.resolve("usr/lib/rabbitmq/bin/rabbitmq-server"))) {
            return "no trixie root with rabbitmq-server at " + ROOT + " (scripts/test builds it)";
        }
        return null;
    }

    private RabbitMqNode(String name, ClusterNetwork network, int index, Path home) {
        this.name = name;
        this.address = network.address(index);
        this.network = network;
        this.index = index;
        this.home = home;
    }

    /**
     * Starts node {@code index} (1-based) of {@code network}, named {@code name@address}, with
     * {@code brokerConf} (its MQTT listeners on {@link #MQTT_PORT} and {@link #WEB_MQTT_PORT}); all
     * nodes of a cluster share {@code cookie}.
     */
    public static RabbitMqNode start(String name, ClusterNetwork network, int index, String cookie, String brokerConf)
            throws IOException, InterruptedException {
        mountOnce("proc", "-t", "proc", "proc");
        mountOnce("dev", "--bind", "/dev");
        Path home = Path.of("srv", "openbell-" + name + "-" + ProcessHandle.current().pid());
        Path dir = ROOT.resolve(home);
        deleteTree(dir);
        Files.createDirectories(dir.resolve("data"));
        // What scripts/broker-config --rabbitmq makes, and what a test node needs besides: logs on the console.
        Files.writeString(dir.resolve("rabbitmq.conf"), brokerConf + """

                log.console = true
                log.console.level = warning
                log.file = false
                """);
        Files.writeString(dir.resolve("enabled_plugins"), "[rabbitmq_mqtt,rabbitmq_web_mqtt].\n");
        Path cookieFile = dir.resolve(".erlang.cookie");
        Files.writeString(cookieFile, cookie);
        Files.setPosixFilePermissions(cookieFile, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve("env.sh"), """
                export HOME=/%1$s RABBITMQ_USE_LONGNAME=true RABBITMQ_NODENAME=%2$s RABBITMQ_MNESIA_BASE=/%1$s/data \\
                  RABBITMQ_LOG_BASE=/%1$s RABBITMQ_CONFIG_FILE=/%1$s/rabbitmq.conf RABBITMQ_ENABLED_PLUGINS_FILE=/%1$s/enabled_plugins \\
                  RABBITMQ_PID_FILE=/%1$s/pid
                """.formatted(home, name + "@" + network.address(index)));
        RabbitMqNode node = new RabbitMqNode(name, network, index, home);
        node.server = new ProcessBuilder(node.inRoot(". /" + home + "/env.sh; exec /usr/lib/rabbitmq/bin/rabbitmq-server"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!listening(node.address, MQTT_PORT)) {
            if (!node.server.isAlive() || System.nanoTime() > deadline) {
                String log = Files.readString(dir.resolve("server.log"));
                node.close();
                throw new IllegalStateException("RabbitMQ node " + name + " did not start: " + log.substring(Math.max(0, log.length() - 2000)));
            }
            Thread.sleep(200);
        }
        return node;
    }

    /** Its Erlang node name, as {@code join_cluster} wants it. */
    public String nodeName() {
        return name + "@" + address;
    }

    public String tcpUri() {
        return "tcp://" + address + ":" + MQTT_PORT;
    }

    public String webSocketUri() {
        return "ws://" + address + ":" + WEB_MQTT_PORT + "/ws";
    }

    /** The words that run bash line {@code line} in this node's namespace, chrooted in the trixie root. */
    private List<String> inRoot(String line) {
        return List.of("ip", "netns", "exec", network.namespace(index), "chroot", ROOT.toString(), "/bin/bash", "-c", line);
    }

    /** Runs {@code command} (a bash line) in the root with this node's environment; returns its output, or throws with it. */
    public String shell(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(inRoot(". /" + home + "/env.sh; " + command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(command + " on " + name + " failed: " + out);
        }
        return out;
    }

    /** Runs {@code rabbitmqctl args} against this node; returns its output, or throws with it. */
    public String ctl(String... args) throws IOException, InterruptedException {
        StringBuilder line = new StringBuilder(". /" + home + "/env.sh; /usr/lib/rabbitmq/bin/rabbitmqctl");
        for (String a : args) {
            line.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        Process p = new ProcessBuilder(inRoot(line.toString())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " on " + name + " failed: " + out);
        }
        return out;
    }

    /** Kills the node at once (SIGKILL to everything in its namespace: its Erlang VM, epmd): a machine lost, not stopped. */
    public void kill() {
        if (server != null) {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }
        network.killEverythingIn(index);
    }

    @Override
    public void close() {
        kill();
        try {
            if (server != null) {
                server.waitFor(10, TimeUnit.SECONDS);
            }
            deleteTree(ROOT.resolve(home));
        } catch (IOException | InterruptedException e) {
            // left for the next run to clear
        }
    }

    /** Unmounts what the nodes needed in the root (/dev, /proc), once every node of a test is closed. */
    public static void unmount() {
        for (String where : List.of("dev", "proc")) {
            try {
                new ProcessBuilder("umount", "-l", ROOT.resolve(where).toString()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
            } catch (IOException e) {
                // not mounted
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean listening(String address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void mountOnce(String where, String... how) throws IOException, InterruptedException {
        Path target = ROOT.resolve(where);
        if (new ProcessBuilder("mountpoint", "-q", target.toString()).start().waitFor() == 0) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("mount"));
        command.addAll(List.of(how));
        command.add(target.toString());
        if (new ProcessBuilder(command).inheritIO().start().waitFor() != 0) {
            throw new IllegalStateException("cannot mount " + target);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
