package org.openbell.agent.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.agent.integration.ClusterNetwork;
import org.openbell.agent.integration.RabbitMqNode;
import org.openbell.agent.signaling.DeviceSignaling;
import org.openbell.brokertools.BrokerConfigTool;
import org.openbell.brokertools.RabbitMqSetup;
import org.openbell.signaling.Message;
import org.openbell.signaling.MessageCodec;
import org.openbell.signaling.Ring;
import org.openbell.signaling.Topics;
import org.openbell.signaling.access.BrokerAccess;
import org.openbell.signaling.mqtt.MqttLink;
import org.openbell.signaling.mqtt.MqttSettings;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * The fleet benchmark (issue 16, {@code scripts/bench-fleet}): N doorbells (each the real
 * {@link DeviceSignaling} on its own {@link MqttLink}, with its own account) and M owners (an
 * {@link MqttLink} each, paired with one doorbell, subscribed to its rings and their own topic),
 * all in this one JVM, against Mosquitto with the access list and against a three-node RabbitMQ
 * cluster with the same accounts; each broker in network namespaces of its own. Rings go out at a
 * steady rate from doorbell after doorbell; every owner of that doorbell must get each once. Then,
 * on the cluster, the same with node 1 killed a third of the way in.
 *
 * <pre>scripts/bench-fleet [--doorbells N] [--owners M] [--rate R] [--seconds S] [--broker mosquitto|cluster|both] [--json FILE]</pre>
 */
public final class FleetBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Topics TOPICS = Topics.defaults();
    private static final Duration RING_LIFE = Duration.ofSeconds(30);

    private final int doorbells;
    private final int owners;
    private final int rate;
    private final int seconds;
    private final Path dir;
    private final BrokerAccess access;

    private FleetBench(int doorbells, int owners, int rate, int seconds, Path dir) {
        this.doorbells = doorbells;
        this.owners = owners;
        this.rate = rate;
        this.seconds = seconds;
        this.dir = dir;
        BrokerAccess a = BrokerAccess.of(TOPICS);
        for (int d = 0; d < doorbells; d++) {
            a = a.withDoorbell(doorbell(d));
        }
        for (int o = 0; o < owners; o++) {
            a = a.withOwner(owner(o), List.of(doorbell(o % doorbells)));
        }
        this.access = a;
    }

    static String doorbell(int d) {
        return String.format("door-%05d", d);
    }

    static String owner(int o) {
        return String.format("owner-%05d", o);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>(Map.of("--doorbells", "1000", "--owners", "2000", "--rate", "20",
                "--seconds", "30", "--broker", "both"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!opts.containsKey(args[i]) && !args[i].equals("--json")) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            opts.put(args[i], args[i + 1]);
        }
        String unavailable = RabbitMqNode.unavailableReason();
        String which = opts.get("--broker");
        if (!which.equals("mosquitto") && unavailable != null) {
            throw new IllegalStateException(unavailable);
        }
        Path dir = Files.createTempDirectory("openbell-fleet-");
        FleetBench bench = new FleetBench(Integer.parseInt(opts.get("--doorbells")), Integer.parseInt(opts.get("--owners")),
                Integer.parseInt(opts.get("--rate")), Integer.parseInt(opts.get("--seconds")), dir);
        System.err.printf("openbell: fleet of %d doorbells, %d owners, %d rings/s for %d s; writing %d accounts...%n",
                bench.doorbells, bench.owners, bench.rate, bench.seconds, bench.access.accounts().size());
        // One folder, one password per account, for both brokers.
        BrokerConfigTool.write(dir, bench.access, null, null, 1883, 8080);
        BrokerConfigTool.writeRabbitMq(dir, bench.access, null, null, RabbitMqNode.MQTT_PORT, RabbitMqNode.WEB_MQTT_PORT);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("doorbells", bench.doorbells);
        report.put("owners", bench.owners);
        report.put("ringsPerSecond", bench.rate);
        report.put("seconds", bench.seconds);
        report.put("cores", Runtime.getRuntime().availableProcessors());
        StringBuilder tables = new StringBuilder();
        if (!which.equals("cluster")) {
            Figures f = bench.runOrSay(false);
            report.put("mosquitto", f.summary());
            tables.append("\n== Mosquitto (one broker, access list) ==\n").append(f.table());
            System.err.print(tables); // as it comes; all again at the end
        }
        if (!which.equals("mosquitto")) {
            Figures f = bench.runOrSay(true);
            report.put("rabbitmq-cluster", f.summary());
            tables.append("\n== RabbitMQ 4.0.5, three nodes (topic permissions) ==\n").append(f.table());
        }
        System.out.print(tables);
        if (opts.containsKey("--json")) {
            Files.writeString(Path.of(opts.get("--json")), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        }
        System.exit(0); // Paho's leftover threads
    }

    /** What the owners received: for every (ring, owner), how many copies. */
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>(); // ringId -> nanoTime
    private final Map<String, Integer> copies = new ConcurrentHashMap<>(); // ringId + " " + owner -> copies
    private final List<Double> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Connections lost by any client, and when the last was (System.nanoTime()). */
    private final java.util.concurrent.atomic.AtomicLong losses = new java.util.concurrent.atomic.AtomicLong();
    private volatile long lastLoss = System.nanoTime();

    private void lost() {
        losses.incrementAndGet();
        lastLoss = System.nanoTime();
    }

    /** A run; if it fails, what it measured until then, and why it stopped. */
    private Figures runOrSay(boolean cluster) {
        Figures f = new Figures();
        try {
            run(cluster, f);
        } catch (Exception | AssertionError e) {
            System.err.println("openbell: the " + (cluster ? "cluster" : "Mosquitto") + " run stopped: " + e);
            e.printStackTrace();
            f.add("RUN STOPPED (see the log)", "-", 1);
        }
        return f;
    }

    private void run(boolean cluster, Figures f) throws Exception {
        sentAt.clear();
        losses.set(0);
        copies.clear();
        latencies.clear();
        int nodes = cluster ? 3 : 1;
        ClusterNetwork net = ClusterNetwork.create(nodes);
        List<RabbitMqNode> rabbits = new ArrayList<>();
        // Interrupted (Ctrl-C): no broker, namespace or mount is left behind.
        Thread cleanup = new Thread(() -> {
            rabbits.forEach(RabbitMqNode::close);
            if (cluster) {
                RabbitMqNode.unmount();
            }
            net.close();
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        MosquittoBroker mosquitto = null;
        List<DeviceSignaling> devices = new ArrayList<>();
        List<MqttLink> ownerLinks = new ArrayList<>();
        try {
            List<String> uris = new ArrayList<>();
            if (cluster) {
                String cookie = "openbell-fleet-" + ProcessHandle.current().pid();
                for (int i = 1; i <= 3; i++) {
                    rabbits.add(RabbitMqNode.start("n" + i, net, i, cookie, RabbitMqSetup.conf(null, null, RabbitMqNode.MQTT_PORT,
                            RabbitMqNode.WEB_MQTT_PORT) + "\nmqtt.max_session_expiry_interval_seconds = 86400\n"));
                }
                for (RabbitMqNode n : rabbits.subList(1, 3)) {
                    n.ctl("stop_app");
                    n.ctl("join_cluster", rabbits.getFirst().nodeName());
                    n.ctl("start_app");
                }
                Path defs = RabbitMqNode.ROOT.resolve("srv").resolve("openbell-fleet-definitions.json");
                Files.copy(dir.resolve("rabbitmq-definitions.json"), defs, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                long t0 = System.nanoTime();
                rabbits.getFirst().ctl("import_definitions", "/srv/" + defs.getFileName());
                f.add("accounts imported (one call)", "s", (System.nanoTime() - t0) / 1e9);
                Files.deleteIfExists(defs);
                rabbits.forEach(n -> uris.add(n.tcpUri()));
            } else {
                mosquitto = MosquittoBroker.startWithAccessControlInNamespace(net.namespace(1), net.address(1),
                        dir.resolve("passwd"), dir.resolve("acl"));
                uris.add("tcp://" + net.address(1) + ":1883");
            }
            System.err.printf("openbell: %s up; connecting %d clients...%n", cluster ? "cluster" : "mosquitto", doorbells + owners);
            Thread.sleep(2000);
            Usage empty = Usage.of(net, nodes);
            f.add("broker memory, no clients", "MB", empty.rssMb());

            // The connection storm: every client at once, each on the node its number gives it first.
            long t0 = System.nanoTime();
            MessageCodec codec = new MessageCodec();
            for (int o = 0; o < owners; o++) {
                String ownerId = owner(o);
                String deviceId = doorbell(o % doorbells);
                MqttLink link = MqttLink.start(MqttSettings.builder(rotated(uris, o), "fleet-" + ownerId + "-" + System.nanoTime())
                        .username("owner." + ownerId).password(password("owner." + ownerId))
                        .sessionExpiry(Duration.ofHours(1)).keepAlive(Duration.ofSeconds(30))
                        .backoff(Duration.ofMillis(200), Duration.ofSeconds(2)).build());
                link.subscribe(TOPICS.rings(deviceId), 1, (topic, payload) -> received(codec, ownerId, payload));
                link.subscribe(TOPICS.deviceToOwner(deviceId, ownerId), 1, (topic, payload) -> { });
                link.addConnectionListener((connected, cause) -> {
                    if (!connected) {
                        lost();
                    }
                });
                ownerLinks.add(link);
            }
            for (int d = 0; d < doorbells; d++) {
                devices.add(device(d, rotated(uris, d)));
            }
            awaitAll(devices, ownerLinks, Duration.ofMinutes(5));
            double storm = (System.nanoTime() - t0) / 1e9;
            f.add("connect storm: all connected", "s", storm);
            f.add("connect storm: connections per second", "conn/s", (doorbells + owners) / storm);
            // Settled: no client lost its connection for 10 s (a loaded broker drops some after the storm).
            long stormLosses = losses.get();
            long settleStart = System.nanoTime();
            while (System.nanoTime() - lastLoss < 10_000_000_000L && System.nanoTime() - settleStart < 180_000_000_000L) {
                Thread.sleep(500);
            }
            awaitAll(devices, ownerLinks, Duration.ofMinutes(2));
            f.add("connect storm: connections lost and made again", "n", stormLosses);
            f.add("connect storm: settled (no loss for 10 s) after", "s", (System.nanoTime() - t0) / 1e9 - 10);
            Usage idle = Usage.of(net, nodes);
            f.add("broker memory, all connected", "MB", idle.rssMb());
            f.add("broker memory per 1000 doorbells (+ owners), over no clients", "MB", (idle.rssMb() - empty.rssMb()) * 1000.0 / doorbells);

            // Steady rings.
            Usage before = Usage.of(net, nodes);
            long jvmBefore = jvmCpuNanos();
            long ringsSent = ring(devices, seconds, null);
            Thread.sleep(3000); // the last rings arrive
            Usage after = Usage.of(net, nodes);
            f.add("broker CPU while ringing (100 = one core)", "%", 100.0 * (after.cpuSeconds() - before.cpuSeconds()) / (seconds + 3));
            f.add("load generator CPU (this JVM, 100 = one core)", "%", 100.0 * (jvmCpuNanos() - jvmBefore) / 1e9 / (seconds + 3));
            account(f, "steady", ringsSent);

            if (cluster) {
                // Node 1 killed a third of the way in: its doorbells and owners move to the next node.
                sentAt.clear();
                copies.clear();
                latencies.clear();
                java.util.concurrent.atomic.AtomicLong back = new java.util.concurrent.atomic.AtomicLong();
                Runnable kill = () -> {
                    long killedAt = System.nanoTime();
                    rabbits.getFirst().kill();
                    Thread.ofVirtual().start(() -> {
                        try {
                            Thread.sleep(200); // the losses are seen
                            awaitAll(devices, ownerLinks, Duration.ofMinutes(2));
                            back.set(System.nanoTime() - killedAt);
                        } catch (InterruptedException | RuntimeException e) {
                            System.err.println("openbell: not all clients came back: " + e.getMessage());
                        }
                    });
                };
                long sent = ring(devices, seconds, kill);
                Thread.sleep(5000);
                account(f, "node 1 killed", sent);
                awaitAll(devices, ownerLinks, Duration.ofMinutes(2));
                if (back.get() > 0) {
                    f.add("node 1 killed: every client connected again after", "s", back.get() / 1e9);
                }
            }
        } finally {
            try (var closing = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) { // each close waits for its goodbye
                devices.forEach(d -> closing.submit(d::close));
                ownerLinks.forEach(o -> closing.submit(o::close));
            }
            if (mosquitto != null) {
                mosquitto.close();
            }
            rabbits.forEach(RabbitMqNode::close);
            if (!rabbits.isEmpty()) {
                RabbitMqNode.unmount();
            }
            net.close();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    /** Rings for {@code seconds} at {@link #rate} per second, doorbell after doorbell; runs {@code midway} a third of the way in. */
    private long ring(List<DeviceSignaling> devices, int seconds, Runnable midway) throws InterruptedException {
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long total = (long) seconds * rate;
        for (long n = 0; n < total; n++) {
            long due = start + n * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            if (midway != null && n == total / 3) {
                midway.run();
            }
            int d = (int) (n % devices.size());
            Instant now = Instant.now();
            Ring ring = new Ring(doorbell(d), "r" + n + "x" + System.nanoTime() % 100000, now, now.plus(RING_LIFE), 1);
            sentAt.put(ring.ringId(), System.nanoTime());
            devices.get(d).ringStarted(ring);
        }
        return total;
    }

    private void received(MessageCodec codec, String ownerId, byte[] payload) {
        long now = System.nanoTime();
        try {
            Message m = codec.decode(payload);
            if (m instanceof Ring ring) {
                Long sent = sentAt.get(ring.ringId());
                if (sent != null && copies.merge(ring.ringId() + " " + ownerId, 1, Integer::sum) == 1) {
                    latencies.add((now - sent) / 1e6);
                }
            }
        } catch (org.openbell.signaling.ProtocolException e) {
            System.err.println("openbell: an owner got an invalid message: " + e.getMessage());
        }
    }

    /** Delivered (once), duplicated and missing (owner, ring) pairs of a phase, and the fan-out latency. */
    private void account(Figures f, String phase, long rings) {
        // Every (ring, owner of its doorbell) pair, and where the missing ones were: the doorbell's and
        // the owner's first node (node 1 is the one killed).
        long expected = 0;
        long[] missing = new long[4]; // [doorbell on node 1][owner on node 1]
        for (String ringId : sentAt.keySet()) {
            int d = Integer.parseInt(ringId.substring(1, ringId.indexOf('x'))) % doorbells;
            for (int o = d; o < owners; o += doorbells) {
                expected++;
                if (!copies.containsKey(ringId + " " + owner(o))) {
                    missing[(d % 3 == 0 ? 2 : 0) + (o % 3 == 0 ? 1 : 0)]++;
                }
            }
        }
        long delivered = copies.size();
        long duplicates = copies.values().stream().mapToLong(c -> c - 1L).sum();
        List<Double> took;
        synchronized (latencies) { // owners may still be adding late copies
            took = new ArrayList<>(latencies);
        }
        f.addAll(phase + ": ring to owner", "ms", took);
        f.add(phase + ": rings sent", "n", rings);
        f.add(phase + ": owner deliveries expected", "n", expected);
        f.add(phase + ": delivered once", "n", delivered);
        f.add(phase + ": extra copies (taken once)", "n", duplicates);
        f.add(phase + ": missing", "n", expected - delivered);
        if (phase.contains("killed")) {
            f.add(phase + ": missing, doorbell and owner elsewhere", "n", missing[0]);
            f.add(phase + ": missing, owner was on node 1", "n", missing[1]);
            f.add(phase + ": missing, doorbell was on node 1", "n", missing[2]);
            f.add(phase + ": missing, both were on node 1", "n", missing[3]);
        }
    }

    private DeviceSignaling device(int d, List<String> uris) throws Exception {
        String id = doorbell(d);
        StringBuilder list = new StringBuilder();
        for (String u : uris) {
            list.append(list.isEmpty() ? "" : ", ").append('"').append(u).append('"');
        }
        var config = ConfigLoader.parse("""
                device: {id: %s, name: Door %d}
                hardware: {mode: simulated}
                mqtt: {broker: [%s], webSocketUrl: "ws://%s/ws", username: doorbell.%s, password: "%s", clientId: "fleet-%s-%d",
                       reconnectMin: 200ms, reconnectMax: 2s, keepAlive: 30s}
                stateDir: /nonexistent
                """.formatted(id, d, list, "127.0.0.1:15675", id, password("doorbell." + id), id, System.nanoTime()), "fleet doorbell " + id);
        DeviceSignaling s = DeviceSignaling.create(config, DeviceSignaling.Broker.configured(config), Clock.systemUTC());
        s.open((owner, message) -> { }, (connected, cause) -> {
            if (!connected) {
                lost();
            }
        });
        return s;
    }

    private String password(String account) {
        try {
            return Files.readString(dir.resolve("credentials").resolve(account)).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> rotated(List<String> uris, int i) {
        List<String> r = new ArrayList<>(uris);
        java.util.Collections.rotate(r, -(i % uris.size()));
        return r;
    }

    private static void awaitAll(List<DeviceSignaling> devices, List<MqttLink> owners, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (devices.stream().anyMatch(d -> !d.isConnected()) || owners.stream().anyMatch(o -> !o.isConnected())) {
            if (System.nanoTime() > deadline) {
                long d = devices.stream().filter(x -> !x.isConnected()).count();
                long o = owners.stream().filter(x -> !x.isConnected()).count();
                throw new IllegalStateException(d + " doorbells and " + o + " owners not connected within " + limit);
            }
            Thread.sleep(100);
        }
    }

    private static long jvmCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** CPU seconds and resident memory of every process in the brokers' namespaces. */
    private record Usage(double cpuSeconds, double rssMb) {
        static Usage of(ClusterNetwork net, int nodes) {
            double cpu = 0;
            double rss = 0;
            for (int i = 1; i <= nodes; i++) {
                for (long pid : net.pids(i)) {
                    try {
                        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        cpu += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime, stime in ticks
                        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                            if (line.startsWith("VmRSS:")) {
                                rss += Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                            }
                        }
                    } catch (java.io.IOException | RuntimeException gone) {
                        // the process ended between the listing and the read
                    }
                }
            }
            return new Usage(cpu, rss);
        }
    }
}
