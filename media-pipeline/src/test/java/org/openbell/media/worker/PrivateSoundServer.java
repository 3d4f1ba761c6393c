package org.openbell.media.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A private PulseAudio server with a null speaker, for tests of the worker's sound-server path. */
final class PrivateSoundServer implements AutoCloseable {

    private final Path dir;
    private final Process server;

    private PrivateSoundServer(Path dir, Process server) {
        this.dir = dir;
        this.server = server;
    }

    static PrivateSoundServer start(Path dir) throws IOException, InterruptedException {
        Path socket = dir.toAbsolutePath().resolve("pulse.sock");
        Files.writeString(dir.resolve("default.pa"), """
                load-module module-native-protocol-unix socket=%s auth-anonymous=1
                load-module module-null-sink sink_name=speaker rate=48000
                set-default-sink speaker
                """.formatted(socket));
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/pulseaudio", "-n", "-F", dir.resolve("default.pa").toString(),
                "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--log-target=stderr")
                .redirectErrorStream(true).redirectOutput(dir.resolve("pulse.log").toFile());
        builder.environment().put("HOME", dir.toAbsolutePath().toString());
        builder.environment().put("XDG_RUNTIME_DIR", dir.toAbsolutePath().toString());
        Process server = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!Files.exists(socket)) {
            if (!server.isAlive() || System.nanoTime() > deadline) {
                server.destroyForcibly();
                throw new IllegalStateException("PulseAudio did not start: " + Files.readString(dir.resolve("pulse.log")));
            }
            Thread.sleep(20);
        }
        return new PrivateSoundServer(dir, server);
    }

    /** The PULSE_SERVER value. */
    String address() {
        return "unix:" + dir.toAbsolutePath().resolve("pulse.sock");
    }

    @Override
    public void close() throws InterruptedException {
        server.destroy();
        if (!server.waitFor(5, TimeUnit.SECONDS)) {
            server.destroyForcibly();
        }
    }
}
