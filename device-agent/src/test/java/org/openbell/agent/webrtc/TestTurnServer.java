package org.openbell.agent.webrtc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real coturn for tests, configured by scripts/turn-config and started on {@code ip}:{@code port}
 * (inside a network namespace, or in the test's own when {@code namespace} is null); returns once it
 * answers STUN. Skips cleanly via {@link #unavailableReason()} where coturn is not installed.
 */
public final class TestTurnServer implements AutoCloseable {

    private static final Path TURNSERVER = Path.of("/usr/bin/turnserver");
    private static final Path STUNCLIENT = Path.of("/usr/bin/turnutils_stunclient");

    private final Process process;

    private TestTurnServer(Process process) {
        this.process = process;
    }

    /** Why a namespace topology with coturn and nftables firewalls cannot be built here, or null. */
    static String topologyUnavailableReason() {
        String namespaces = Namespaces.unavailableReason();
        if (namespaces != null) {
            return namespaces;
        }
        return unavailableReason() == null && Files.isExecutable(Path.of("/usr/sbin/nft")) ? null
                : "needs coturn and nftables (scripts/test installs them)";
    }

    public static String unavailableReason() {
        return Files.isExecutable(TURNSERVER) && Files.isExecutable(STUNCLIENT) ? null
                : "coturn is not installed (scripts/test installs it; apt-get install coturn)";
    }

    /**
     * Writes {@code dir/turnserver.conf} with scripts/turn-config ({@code --listening-ip ip --port port
     * --secret secret} plus {@code extraOptions}) and starts coturn with it.
     */
    public static TestTurnServer start(Path dir, String namespace, String ip, int port, String secret, String... extraOptions)
            throws IOException, InterruptedException {
        Path conf = dir.resolve("turnserver.conf");
        List<String> script = new ArrayList<>(List.of(Path.of("..", "scripts", "turn-config").toString(), "--out", conf.toString(),
                "--realm", "openbell.test", "--listening-ip", ip, "--port", String.valueOf(port), "--secret", secret));
        script.addAll(List.of(extraOptions));
        Process config = new ProcessBuilder(script).redirectErrorStream(true).start();
        String said = new String(config.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (config.waitFor() != 0) {
            throw new IllegalStateException("scripts/turn-config failed: " + said);
        }
        if (said.contains(secret)) {
            throw new IllegalStateException("scripts/turn-config printed the secret: " + said);
        }
        Process server = new ProcessBuilder(in(namespace, TURNSERVER.toString(), "-c", conf.toString(), "--log-file", "stdout",
                "--simple-log", "--pidfile", dir.resolve("turn.pid").toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("turn.log").toFile()).start();
        TestTurnServer turn = new TestTurnServer(server);
        try {
            turn.awaitStun(namespace, ip, port, dir.resolve("turn.log"));
            return turn;
        } catch (RuntimeException | InterruptedException e) {
            turn.close();
            throw e;
        }
    }

    /** Waits until the server answers a STUN Binding request. */
    private void awaitStun(String namespace, String ip, int port, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            Process probe = new ProcessBuilder(in(namespace, STUNCLIENT.toString(), "-p", String.valueOf(port), ip))
                    .redirectErrorStream(true).start();
            // stunclient waits forever for an answer to a request sent before coturn listened.
            if (probe.waitFor(2, TimeUnit.SECONDS)) {
                String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (probe.exitValue() == 0 && out.contains("UDP reflexive addr")) {
                    return;
                }
            } else {
                probe.destroyForcibly();
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("coturn did not answer STUN: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    private static List<String> in(String namespace, String... command) {
        List<String> words = new ArrayList<>();
        if (namespace != null) {
            words.addAll(List.of("ip", "netns", "exec", namespace));
        }
        words.addAll(List.of(command));
        return words;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
