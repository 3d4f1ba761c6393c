package org.openbell.brokertools;

import org.openbell.signaling.access.BrokerAccess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.openbell.signaling.mqtt.MqttSettings;

/**
 * {@code scripts/broker-registrar}: runs the {@link Registrar} next to Mosquitto, as a user that
 * may write the broker folder and reload the broker.
 *
 * <pre>
 * broker-registrar --dir DIR --broker ssl://bell.example.org:8883 [--ca-file FILE]
 *                  [--reload-command "systemctl reload mosquitto"]
 * </pre>
 * Its password is read from {@code DIR/credentials/openbell-registrar} (made by broker-config).
 */
public final class RegistrarMain {

    private RegistrarMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = null;
        String broker = null;
        Path caFile = null;
        String reloadCommand = "systemctl reload mosquitto";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--broker" -> broker = args[i + 1];
                case "--ca-file" -> caFile = Path.of(args[i + 1]);
                case "--reload-command" -> reloadCommand = args[i + 1];
                default -> fail("unknown option " + args[i]);
            }
        }
        if (dir == null || broker == null || args.length % 2 != 0) {
            fail("usage: broker-registrar --dir DIR --broker ssl://HOST:8883 [--ca-file FILE] [--reload-command CMD]");
        }
        Path passwordFile = dir.resolve("credentials").resolve(BrokerAccess.REGISTRAR);
        if (!Files.isReadable(passwordFile)) {
            fail(passwordFile + " is missing or unreadable: run scripts/broker-config for this folder first");
        }
        MqttSettings.Builder settings = MqttSettings.builder(broker, "openbell-registrar")
                .username(BrokerAccess.REGISTRAR)
                .password(Files.readString(passwordFile).trim())
                .sessionExpiry(Duration.ofHours(1))
                .backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        if (caFile != null) {
            settings.caFile(caFile);
        }
        String command = reloadCommand;
        CountDownLatch stopped = new CountDownLatch(1);
        try (Registrar registrar = Registrar.start(settings.build(), BrokerFolder.at(dir), () -> run(command))) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            System.out.println("openbell: registrar serving pairing requests for " + dir + " on " + broker);
            stopped.await();
        }
    }

    /** Runs {@code command} with /bin/sh; fails unless it exits 0 within 10 s. */
    static void run(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true).start();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("the reload command did not finish in 10 s: " + command);
        }
        if (process.exitValue() != 0) {
            throw new IOException("the reload command failed (exit " + process.exitValue() + "): "
                    + new String(process.getInputStream().readAllBytes()).strip());
        }
    }

    private static void fail(String message) {
        System.err.println("openbell: broker-registrar: " + message);
        System.exit(2);
    }
}
