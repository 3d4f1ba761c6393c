package org.openbell.agent.broker;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openbell.agent.web.TlsIdentity;
import org.openbell.signaling.mqtt.MqttSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT 5 broker inside the agent's process (HiveMQ CE embedded), started when no broker is
 * configured, so the demo needs nothing installed. It has a TCP listener for the agent itself
 * and a WebSocket listener ({@code /mqtt}) for owners' browsers, secured with the agent's TLS
 * identity unless plain WebSockets were asked for. Unless it is open to anyone (a LAN demo), only
 * the accounts of {@link EmbeddedBrokerAccounts} may connect.
 *
 * <p>Sessions, queues and retained messages live in memory: the device republishes its presence
 * after every connect, and rings expire within seconds anyway.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Messages the broker queues per client (beyond those in flight): with packets of at most
     * {@link MqttSettings#DEFAULT_MAX_PACKET_SIZE} this bounds what one slow or absent client can
     * cost the agent's heap, and it is far above what a doorbell's owners send it.
     */
    static final int MAX_QUEUED_PER_CLIENT = 1000;

    private final EmbeddedHiveMQ hivemq;
    private final EmbeddedBrokerConfig config;

    private EmbeddedBroker(EmbeddedHiveMQ hivemq, EmbeddedBrokerConfig config) {
        this.hivemq = hivemq;
        this.config = config;
    }

    /**
     * Starts the broker and waits until its listeners accept connections.
     *
     * @param accounts who may connect; {@code null} only when {@code config.anonymous()} opens it to anyone
     */
    public static EmbeddedBroker start(EmbeddedBrokerConfig config, TlsIdentity tls, Path workDir, EmbeddedBrokerAccounts accounts,
            String deviceId) {
        if (accounts == null && !config.anonymous()) {
            throw new IllegalArgumentException("the embedded broker needs accounts unless it is open to anyone");
        }
        try {
            String xml = configXml(config, tls);
            Path folder;
            try {
                folder = prepare(workDir, xml);
            } catch (IOException e) {
                // An SD card remounted read-only (or a full one) must not keep the doorbell from
                // ringing: the broker's scratch files (in-memory persistence) can live anywhere.
                folder = prepare(Files.createTempDirectory("openbell-broker-"), xml);
                log.warn("The state folder {} cannot be written ({}): the embedded broker keeps its scratch files in {}",
                        workDir, e.toString(), folder);
            }
            Path conf = folder.resolve("conf");
            Path data = folder.resolve("data");
            Path extensions = folder.resolve("extensions");
            var builder = EmbeddedHiveMQ.builder()
                    .withConfigurationFolder(conf)
                    .withDataFolder(data)
                    .withExtensionsFolder(extensions);
            builder.withEmbeddedExtension(EmbeddedExtension.builder()
                    .withId("openbell-accounts").withName("Openbell accounts").withVersion("1")
                    .withAuthor("Openbell").withPriority(1000).withStartPriority(1000)
                    .withExtensionMain(accounts != null ? accounts.extension() : EmbeddedBrokerAccounts.openToAnyone(deviceId)).build());
            EmbeddedHiveMQ hivemq = builder.build();
            long started = System.nanoTime();
            hivemq.start().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            log.info("Embedded MQTT 5 broker up in {} ms: tcp://{}:{}, {}://{}:{}/mqtt, {}",
                    (System.nanoTime() - started) / 1_000_000, config.tcpBind(), config.tcpPort(),
                    config.webSocketTls() ? "wss" : "ws", config.webSocketBind(), config.webSocketPort(),
                    accounts == null ? "OPEN TO ANYONE on the network (embeddedBroker.anonymous: a LAN demo)"
                            : "paired phones only");
            return new EmbeddedBroker(hivemq, config);
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare the embedded broker in " + workDir + ": " + e.getMessage(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the embedded broker did not start (is port " + config.tcpPort()
                    + " or " + config.webSocketPort() + " in use?): " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the embedded broker did not start within " + START_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the embedded broker", e);
        }
    }

    /** The broker's folders under {@code dir}, with its config written atomically, and only when it changed. */
    private static Path prepare(Path dir, String xml) throws IOException {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("extensions"));
        Path file = conf.resolve("config.xml");
        if (!Files.exists(file) || !Files.readString(file).equals(xml)) {
            org.openbell.signaling.access.AtomicFiles.write(file, xml, true); // it holds the keystore password
        }
        if (!Files.isWritable(dir.resolve("data"))) {
            throw new java.nio.file.AccessDeniedException(dir.resolve("data").toString(), null, "not writable");
        }
        return dir;
    }

    /** The URI the agent's own client connects to. */
    public String tcpUri() {
        String host = config.tcpBind().equals("0.0.0.0") ? "127.0.0.1" : config.tcpBind();
        return "tcp://" + host + ":" + config.tcpPort();
    }

    /** The URL template the owner page connects to; {@code {host}} is the page's own host name. */
    public String webSocketUrlTemplate() {
        return (config.webSocketTls() ? "wss" : "ws") + "://{host}:" + config.webSocketPort() + "/mqtt";
    }

    @Override
    public void close() {
        try {
            hivemq.stop().get(30, TimeUnit.SECONDS);
            hivemq.close();
        } catch (Exception e) {
            log.warn("Embedded broker did not stop cleanly: {}", e.toString());
        }
    }

    static String configXml(EmbeddedBrokerConfig config, TlsIdentity tls) {
        String webSocket = config.webSocketTls()
                ? """
                        <tls-websocket-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                            <path>/mqtt</path>
                            <name>owners-wss</name>
                            <tls>
                                <keystore>
                                    <path>%s</path>
                                    <password>%s</password>
                                    <private-key-password>%s</private-key-password>
                                </keystore>
                                <client-authentication-mode>NONE</client-authentication-mode>
                            </tls>
                        </tls-websocket-listener>
                """.formatted(config.webSocketPort(), xml(config.webSocketBind()),
                        xml(tls.keystore().toAbsolutePath().toString()),
                        xml(new String(tls.password())), xml(new String(tls.password())))
                : """
                        <websocket-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                            <path>/mqtt</path>
                            <name>owners-ws</name>
                        </websocket-listener>
                """.formatted(config.webSocketPort(), xml(config.webSocketBind()));
        return """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                            <name>%s</name>
                        </tcp-listener>
                %s    </listeners>
                    <mqtt>
                        <session-expiry><max-interval>86400</max-interval></session-expiry>
                        <packets><max-packet-size>%d</max-packet-size></packets>
                        <queued-messages><max-queue-size>%d</max-queue-size></queued-messages>
                    </mqtt>
                    <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                    <persistence><mode>in-memory</mode></persistence>
                </hivemq>
                """.formatted(config.tcpPort(), xml(config.tcpBind()), EmbeddedBrokerAccounts.DEVICE_LISTENER, webSocket,
                MqttSettings.DEFAULT_MAX_PACKET_SIZE, MAX_QUEUED_PER_CLIENT);
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
