package org.openbell.signaling.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.openbell.signaling.Topics;

/**
 * Who may read and write what (docs/security.md, "Accounts"), written out cell by cell for two
 * doorbells ({@code front}, {@code back}), an owner of each ({@code paired} with front, {@code other}
 * with back), a Home Assistant for front and the registrar, and checked against a real broker as
 * its clients see it: a read is a message that arrives on the filter the client subscribes to; a
 * write is a publish the broker accepts. The same table holds on Mosquitto (scripts/broker-config)
 * and on RabbitMQ (scripts/broker-config --rabbitmq), which enforce it differently (Mosquitto drops
 * what a subscriber may not read and answers a refused publish with PUBACK 135; RabbitMQ refuses
 * the subscription and closes the connection of a refused publish).
 */
public final class AccessMatrix {

    /**
     * One cell row: clients subscribe to {@code filter} and may receive what is written to
     * {@code topic} if they are in {@code readers}; only {@code writers} may publish to {@code topic}.
     */
    public record Row(String what, String filter, String topic, Set<String> readers, Set<String> writers) {
    }

    /** A difference between the table and the broker. */
    public record Breach(String account, String what, String expected, String found) {
        @Override
        public String toString() {
            return account + " on " + what + ": expected " + expected + ", found " + found;
        }
    }

    public final String front;
    public final String back;
    public final String paired;
    public final String other;
    public final String homeAssistant;
    public final List<Row> rows;

    /**
     * The table for doorbells {@code front}, {@code back}, owners {@code paired} (front), {@code other}
     * (back), Home Assistant {@code ha} (front). {@code sharedDiscovery}: the broker cannot narrow Home
     * Assistant's discovery filters to its own doorbells (RabbitMQ, docs/fleet.md), so it reads back's
     * discovery too; Mosquitto narrows them.
     */
    public AccessMatrix(Topics t, String front, String back, String paired, String other, String ha, String discoveryPrefix,
            boolean sharedDiscovery) {
        this.front = front;
        this.back = back;
        this.paired = paired;
        this.other = other;
        this.homeAssistant = ha;
        String df = "doorbell." + front;
        String db = "doorbell." + back;
        String op = "owner." + paired;
        String oo = "owner." + other;
        String h = "homeassistant." + ha;
        String r = "openbell-registrar";
        List<Row> rows = new ArrayList<>();
        rows.add(row("front's rings", t.rings(front), Set.of(op), Set.of(df)));
        rows.add(row("front's presence", t.presence(front), Set.of(op, h), Set.of(df)));
        rows.add(row("front's push key", t.pushKey(front), Set.of(op), Set.of(df)));
        rows.add(row("front's pictures", t.snapshots(front), Set.of(op), Set.of(df)));
        rows.add(row("front's capabilities", t.capabilities(front), Set.of(op), Set.of(df)));
        rows.add(row("front's motion", t.motion(front), Set.of(op), Set.of(df)));
        rows.add(row("front to its owner", t.deviceToOwner(front, paired), Set.of(op), Set.of(df)));
        rows.add(row("front to an owner of back", t.deviceToOwner(front, other), Set.of(), Set.of(df)));
        rows.add(new Row("the paired owner to front", t.ownerToDeviceFilter(front), t.ownerToDevice(paired, front), Set.of(df), Set.of(op)));
        rows.add(new Row("back's owner as if to front", t.ownerToDeviceFilter(front), t.ownerToDevice(other, front), Set.of(df), Set.of()));
        rows.add(new Row("the paired owner to back", t.ownerToDeviceFilter(back), t.ownerToDevice(paired, back), Set.of(db), Set.of()));
        rows.add(row("back's rings", t.rings(back), Set.of(oo), Set.of(db)));
        rows.add(row("back to its owner", t.deviceToOwner(back, other), Set.of(oo), Set.of(db)));
        rows.add(row("front's Home Assistant state", t.homeAssistantState(front), Set.of(h), Set.of(df)));
        rows.add(row("front's Home Assistant ring event", t.homeAssistantRing(front), Set.of(h), Set.of(df)));
        rows.add(row("front's Home Assistant picture", t.homeAssistantPicture(front), Set.of(h), Set.of(df)));
        rows.add(row("back's Home Assistant state", t.homeAssistantState(back), Set.of(), Set.of(db)));
        String frontDiscovery = discoveryPrefix + "/device/openbell_" + front + "/config";
        rows.add(row("front's discovery", frontDiscovery, Set.of(h), Set.of(df)));
        // Home Assistant subscribes to every discovery topic with these two filters (its MQTT integration).
        rows.add(new Row("front's discovery, as Home Assistant subscribes", discoveryPrefix + "/+/+/config", frontDiscovery, Set.of(h), Set.of(df)));
        rows.add(new Row("back's discovery, as Home Assistant subscribes", discoveryPrefix + "/+/+/config",
                discoveryPrefix + "/device/openbell_" + back + "/config", sharedDiscovery ? Set.of(h) : Set.of(), Set.of(db)));
        rows.add(row("Home Assistant's birth", discoveryPrefix + "/status", Set.of(df, db, h), Set.of(h)));
        for (String command : List.of("chime-silent", "open-door", "quick-reply")) {
            rows.add(new Row("Home Assistant's " + command + " to front", t.homeAssistantCommandFilter(front),
                    t.homeAssistantCommand(front, command), Set.of(df), Set.of(h)));
        }
        rows.add(new Row("an undocumented command to front", t.homeAssistantCommandFilter(front),
                t.homeAssistantCommand(front, "open-everything"), Set.of(df), Set.of()));
        rows.add(new Row("Home Assistant's command to back", t.homeAssistantCommandFilter(back),
                t.homeAssistantCommand(back, "chime-silent"), Set.of(db), Set.of()));
        rows.add(new Row("front's pairing request", t.registryRequestFilter(), t.registryRequests(front), Set.of(r), Set.of(df)));
        rows.add(row("the registrar's reply to front", t.registryReplies(front), Set.of(df), Set.of(r, df)));
        this.rows = List.copyOf(rows);
    }

    private static Row row(String what, String topic, Set<String> readers, Set<String> writers) {
        return new Row(what, topic, topic, readers, writers);
    }

    /** Every account the table speaks of. */
    public List<String> accounts() {
        return List.of("doorbell." + front, "doorbell." + back, "owner." + paired, "owner." + other,
                "homeassistant." + homeAssistant, "openbell-registrar");
    }

    /**
     * Checks every cell against a broker: {@code uriOf} gives the server each account connects to
     * (on a cluster, readers and writers on different nodes), {@code passwordOf} its password.
     * Returns what differs (nothing when the broker enforces the table).
     */
    public List<Breach> check(Function<String, String> uriOf, Function<String, String> passwordOf) throws Exception {
        List<Breach> breaches = new ArrayList<>();
        breaches.addAll(checkReads(uriOf, passwordOf));
        breaches.addAll(checkWrites(uriOf, passwordOf));
        return breaches;
    }

    private List<Breach> checkReads(Function<String, String> uriOf, Function<String, String> passwordOf) throws Exception {
        Map<String, Set<String>> receivedBy = new ConcurrentHashMap<>(); // marker -> accounts
        Map<String, MqttAsyncClient> clients = new LinkedHashMap<>();
        List<Breach> breaches = new ArrayList<>();
        try {
            Set<String> filters = new TreeSet<>();
            rows.forEach(row -> filters.add(row.filter()));
            // Which filters each account is granted, the accounts side by side. A broker may close the
            // connection of a refused subscription (only after its SUBACK): the next filter gets a new one.
            Map<String, java.util.concurrent.Future<List<String>>> grants = new LinkedHashMap<>();
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (String account : accounts()) {
                    grants.put(account, pool.submit(() -> {
                        List<String> granted = new ArrayList<>();
                        MqttAsyncClient probe = null;
                        try {
                            for (String filter : filters) {
                                if (probe == null) {
                                    probe = connect(uriOf.apply(account), account, passwordOf.apply(account));
                                }
                                if (subscribe(probe, filter)) {
                                    granted.add(filter);
                                } else {
                                    close(probe);
                                    probe = null;
                                }
                            }
                        } finally {
                            close(probe);
                        }
                        return granted;
                    }));
                }
            }
            for (String account : accounts()) {
                MqttAsyncClient c = connect(uriOf.apply(account), account, passwordOf.apply(account));
                c.setCallback(new Callback((topic, payload) -> receivedBy.computeIfAbsent(payload, k -> ConcurrentHashMap.newKeySet()).add(account)));
                clients.put(account, c);
                for (String g : grants.get(account).get()) {
                    subscribe(c, g);
                }
            }
            List<String> markers = new ArrayList<>();
            for (Row row : rows) {
                if (row.writers().isEmpty()) {
                    markers.add(null);
                    continue;
                }
                String writer = row.writers().iterator().next();
                String marker = "read-check " + rows.indexOf(row) + " " + System.nanoTime();
                markers.add(marker);
                IMqttToken token = clients.get(writer).publish(row.topic(), new MqttMessage(marker.getBytes(StandardCharsets.UTF_8), 1, false, null));
                token.waitForCompletion(5000);
            }
            Thread.sleep(1500); // QoS 1 across nodes: every permitted copy is in by now
            for (int i = 0; i < rows.size(); i++) {
                if (markers.get(i) == null) {
                    continue;
                }
                Row row = rows.get(i);
                Set<String> got = receivedBy.getOrDefault(markers.get(i), Set.of());
                for (String account : accounts()) {
                    boolean expected = row.readers().contains(account);
                    if (expected != got.contains(account)) {
                        breaches.add(new Breach(account, "reading " + row.what() + " (" + row.filter() + ")",
                                expected ? "it arrives" : "nothing", got.contains(account) ? "it arrived" : "nothing"));
                    }
                }
            }
        } finally {
            clients.values().forEach(AccessMatrix::close);
        }
        return breaches;
    }

    private List<Breach> checkWrites(Function<String, String> uriOf, Function<String, String> passwordOf) throws Exception {
        List<Breach> breaches = java.util.Collections.synchronizedList(new ArrayList<>());
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (String account : accounts()) {
                done.add(pool.submit(() -> {
                    MqttAsyncClient c = null;
                    try {
                        for (Row row : rows) {
                            if (c == null || !c.isConnected()) {
                                close(c);
                                c = connect(uriOf.apply(account), account, passwordOf.apply(account));
                            }
                            boolean accepted = accepted(c, row.topic());
                            boolean expected = row.writers().contains(account);
                            if (accepted != expected) {
                                breaches.add(new Breach(account, "writing " + row.what() + " (" + row.topic() + ")",
                                        expected ? "accepted" : "refused", accepted ? "accepted" : "refused"));
                            }
                            if (!accepted) {
                                close(c); // a broker may close the connection of a refused publish, and only later
                                c = null;
                            }
                        }
                    } finally {
                        close(c);
                    }
                    return null;
                }));
            }
        }
        for (var f : done) {
            f.get();
        }
        return breaches;
    }

    /** Subscribes at QoS 1; whether the broker granted it. */
    private static boolean subscribe(MqttAsyncClient c, String filter) {
        try {
            IMqttToken token = c.subscribe(new MqttSubscription[] {new MqttSubscription(filter, 1)});
            token.waitForCompletion(5000);
            int[] codes = token.getReasonCodes();
            return codes != null && codes.length > 0 && codes[0] < 128;
        } catch (MqttException refused) {
            return false;
        }
    }

    /** Whether the broker accepts a QoS 1 publish: PUBACK 0 or 16 (no subscribers); refused is PUBACK 135 or the connection closed. */
    private static boolean accepted(MqttAsyncClient c, String topic) {
        try {
            IMqttToken token = c.publish(topic, new MqttMessage("write-check".getBytes(StandardCharsets.UTF_8), 1, false, null));
            token.waitForCompletion(5000);
            int[] codes = token.getReasonCodes();
            int code = codes == null || codes.length == 0 ? 0 : codes[0];
            return code == 0 || code == 16;
        } catch (MqttException e) {
            return false;
        }
    }

    private static MqttAsyncClient connect(String uri, String account, String password) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(uri, account.replace('.', '-') + "-matrix-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setConnectionTimeout(10);
        o.setUserName(account);
        o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        c.connect(o).waitForCompletion(10_000);
        return c;
    }

    private static void close(MqttAsyncClient c) {
        if (c == null) {
            return;
        }
        try {
            if (c.isConnected()) {
                c.disconnectForcibly(0, 100, false);
            }
            c.close(true);
        } catch (MqttException e) {
            // already gone
        }
    }

    private record Callback(java.util.function.BiConsumer<String, String> onMessage) implements org.eclipse.paho.mqttv5.client.MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) {
            onMessage.accept(topic, new String(message.getPayload(), StandardCharsets.UTF_8));
        }

        @Override
        public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {
        }
    }
}
