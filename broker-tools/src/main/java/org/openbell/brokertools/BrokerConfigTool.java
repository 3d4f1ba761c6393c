package org.openbell.brokertools;

import org.openbell.signaling.access.BrokerAccess;
import org.openbell.signaling.access.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openbell.signaling.Topics;

/**
 * {@code scripts/broker-config}: writes a Mosquitto configuration for Openbell into a folder:
 * {@code openbell.conf} (listeners, no anonymous clients), {@code passwd}, {@code acl} and one
 * {@code credentials/<account>} file per doorbell and owner (mode 600). Run it again with the
 * new list to add or remove an owner: existing passwords are kept, removed accounts disappear;
 * then {@code kill -HUP} the broker and the change applies to connected clients at once.
 *
 * <pre>
 * broker-config --out DIR --doorbell front-door [--doorbell ID ...] --owner alice=front-door[,ID...] ...
 *               [--home-assistant NAME=front-door[,ID...]] [--discovery-prefix homeassistant]
 *               (--tls-cert FILE --tls-key FILE | --plain) [--prefix openbell] [--port 8883] [--websocket-port 8884]
 *               [--rabbitmq]   (a RabbitMQ cluster instead: rabbitmq.conf and rabbitmq-accounts.sh, issue 16)
 * </pre>
 */
public final class BrokerConfigTool {

    private BrokerConfigTool() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("openbell: broker-config: " + e.getMessage());
            System.exit(2);
        } catch (IOException e) {
            System.err.println("openbell: broker-config: cannot write the configuration: " + e.getMessage());
            System.exit(1);
        }
    }

    static void run(String[] args) throws IOException {
        Path out = null;
        String prefix = "openbell";
        String cert = null;
        String key = null;
        boolean plain = false;
        boolean rabbitmq = false;
        int port = 8883;
        int webSocketPort = 8884;
        List<String> doorbells = new ArrayList<>();
        Map<String, List<String>> owners = new LinkedHashMap<>();
        Map<String, List<String>> homeAssistants = new LinkedHashMap<>();
        String discoveryPrefix = BrokerAccess.DEFAULT_DISCOVERY_PREFIX;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--out" -> out = Path.of(required(args[i], value));
                case "--prefix" -> prefix = required(args[i], value);
                case "--doorbell" -> doorbells.add(required(args[i], value));
                case "--owner" -> {
                    String spec = required(args[i], value);
                    int eq = spec.indexOf('=');
                    if (eq <= 0 || eq == spec.length() - 1) {
                        throw new IllegalArgumentException("--owner wants OWNER=DOORBELL[,DOORBELL...], got \"" + spec + "\"");
                    }
                    owners.computeIfAbsent(spec.substring(0, eq), o -> new ArrayList<>()).addAll(List.of(spec.substring(eq + 1).split(",")));
                }
                case "--home-assistant" -> {
                    String spec = required(args[i], value);
                    int eq = spec.indexOf('=');
                    if (eq <= 0 || eq == spec.length() - 1) {
                        throw new IllegalArgumentException("--home-assistant wants NAME=DOORBELL[,DOORBELL...], got \"" + spec + "\"");
                    }
                    homeAssistants.computeIfAbsent(spec.substring(0, eq), h -> new ArrayList<>())
                            .addAll(List.of(spec.substring(eq + 1).split(",")));
                }
                case "--discovery-prefix" -> discoveryPrefix = required(args[i], value);
                case "--tls-cert" -> cert = required(args[i], value);
                case "--tls-key" -> key = required(args[i], value);
                case "--plain" -> {
                    plain = true;
                    i--;
                }
                case "--rabbitmq" -> {
                    rabbitmq = true;
                    i--;
                }
                case "--port" -> port = Integer.parseInt(required(args[i], value));
                case "--websocket-port" -> webSocketPort = Integer.parseInt(required(args[i], value));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        if (out == null || doorbells.isEmpty()) {
            throw new IllegalArgumentException("usage: broker-config --out DIR --doorbell ID [--owner OWNER=ID[,ID]] (--tls-cert F --tls-key F | --plain)");
        }
        if (!plain && (cert == null || key == null)) {
            throw new IllegalArgumentException("TLS is required: give --tls-cert and --tls-key (or --plain, for a LAN demo only)");
        }
        BrokerAccess access = BrokerAccess.of(new Topics(prefix));
        for (String d : doorbells) {
            access = access.withDoorbell(d);
        }
        for (Map.Entry<String, List<String>> o : owners.entrySet()) {
            access = access.withOwner(o.getKey(), o.getValue());
        }
        access = access.withDiscoveryPrefix(discoveryPrefix);
        for (Map.Entry<String, List<String>> h : homeAssistants.entrySet()) {
            access = access.withHomeAssistant(h.getKey(), h.getValue());
        }
        if (rabbitmq) {
            writeRabbitMq(out, access, plain ? null : Path.of(cert).toAbsolutePath(), plain ? null : Path.of(key).toAbsolutePath(), port,
                    webSocketPort);
            System.out.println("openbell: wrote " + out.resolve("rabbitmq.conf") + " (for every node) and " + out.resolve("rabbitmq-accounts.sh")
                    + " (run it on one node; for a big fleet, rabbitmqctl import_definitions rabbitmq-definitions.json is one call) for "
                    + access.accounts().size() + " accounts; passwords are in " + out.resolve("credentials") + "/");
            return;
        }
        write(out, access, plain ? null : Path.of(cert).toAbsolutePath(), plain ? null : Path.of(key).toAbsolutePath(), port, webSocketPort);
        System.out.println("openbell: wrote " + out.resolve("openbell.conf") + " for " + access.accounts().size()
                + " accounts; passwords are in " + out.resolve("credentials") + "/ (reload the broker: kill -HUP <pid>)");
    }

    /**
     * Writes the folder ({@link BrokerFolder}) and {@code openbell.conf}; keeps the passwords of
     * accounts that already have a credentials file and the owners doorbells paired.
     */
    public static void write(Path out, BrokerAccess access, Path cert, Path key, int port, int webSocketPort) throws IOException {
        BrokerFolder folder = BrokerFolder.at(out);
        folder.saveConfigured(access);
        folder.render(folder.paired());
        AtomicFiles.write(out.resolve("openbell.conf"), mosquittoConf(out.toAbsolutePath(), cert, key, port, webSocketPort), false);
    }

    /** The RabbitMQ cluster's set-up ({@link RabbitMqSetup}), with the same folder and passwords as for Mosquitto. */
    public static void writeRabbitMq(Path out, BrokerAccess access, Path cert, Path key, int port, int webSocketPort) throws IOException {
        BrokerFolder folder = BrokerFolder.at(out);
        folder.saveConfigured(access);
        folder.render(folder.paired());
        AtomicFiles.write(out.resolve("rabbitmq.conf"), RabbitMqSetup.conf(cert, key, port, webSocketPort), false);
        AtomicFiles.write(out.resolve("rabbitmq-accounts.sh"), RabbitMqSetup.accountsScript(folder.configured()), true);
        Path credentials = out.resolve("credentials");
        AtomicFiles.write(out.resolve("rabbitmq-definitions.json"), RabbitMqSetup.definitions(folder.configured(), account -> {
            try {
                return Files.readString(credentials.resolve(account)).strip();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "/"), false);
    }

    static String mosquittoConf(Path dir, Path cert, Path key, int port, int webSocketPort) {
        String tls = cert == null ? "# PLAIN: no TLS. Only for a demo on a LAN you trust: credentials cross the network in clear.\n"
                : "certfile " + cert + "\nkeyfile " + key + "\ntls_version tlsv1.2\n";
        return """
                # Openbell broker configuration, generated by scripts/broker-config.
                # Each doorbell and owner has its own account; the access list confines each to its topics.
                per_listener_settings false
                allow_anonymous false
                password_file %s
                acl_file %s
                # Rings and ICE candidates are small and latency-bound: no Nagle delay.
                set_tcp_nodelay true
                # Protocol messages are at most 64 KiB: a bigger packet is refused (its sender is
                # disconnected), and MQTT 5 clients are told so in CONNACK.
                max_packet_size %d
                # Only presence is retained by Openbell; queued messages for offline clients expire.
                # Room for a flood of hostile messages to a doorbell without crowding out real ones.
                max_queued_messages 5000

                # MQTT for doorbells
                listener %d
                %s
                # Every client's session is named by its account (a listener option): no account can
                # take over another's session (the doorbell's, with the commands owners sent it, or a
                # phone's, with its calls) whatever client id it sends.
                use_username_as_clientid true
                # MQTT over WebSockets for owners' browsers
                listener %d
                protocol websockets
                use_username_as_clientid true
                %s""".formatted(dir.resolve("passwd"), dir.resolve("acl"), org.openbell.signaling.mqtt.MqttSettings.DEFAULT_MAX_PACKET_SIZE,
                        port, tls, webSocketPort, tls);
    }

    private static String required(String option, String value) {
        if (value == null || value.startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
