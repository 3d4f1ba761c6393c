package org.openbell.agent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.openbell.agent.TrustAll;

/** The agent as its own process (as on the device), measured through /proc and driven over its HTTPS API. */
public final class AgentProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final String base;
    private final HttpClient http;
    final double startToReadyMs;

    /**
     * The JVM options the agent runs with on a device (device-agent/jvm.options, shared with
     * scripts/demo), plus the given AOT cache flag when benchmarking the packaged jar.
     */
    static List<String> jvmOptions(String aotFlag) {
        String options = System.getProperty("openbell.jvmOptions");
        List<String> flags = new java.util.ArrayList<>();
        if (options != null) {
            flags.add("@" + options);
            if (aotFlag != null) {
                flags.add(aotFlag);
                flags.add("-Xlog:aot=error");
            }
        } else {
            flags.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC"));
        }
        return flags;
    }

    /** Records the JDK's ahead-of-time cache with one start and stop of the packaged agent (scripts/bench only). */
    static String trainAotCache(Path config, String base, Path work) throws Exception {
        if (System.getProperty("openbell.agentJar") == null || System.getProperty("openbell.jvmOptions") == null) {
            return null;
        }
        Path cache = work.resolve("agent.aot");
        try (AgentProcess training = new AgentProcess(config, base, work.resolve("agent-training.log"),
                "-XX:AOTCacheOutput=" + cache)) {
            training.press();
            Thread.sleep(1000);
        }
        return Files.exists(cache) ? "-XX:AOTCache=" + cache : null;
    }

    public AgentProcess(Path config, String base, Path log) throws Exception {
        this(config, base, log, null);
    }

    AgentProcess(Path config, String base, Path log, String aotFlag) throws Exception {
        this.base = base;
        SSLContext trustAll = TrustAll.context(); // the agent's own self-signed certificate, on a veth we created
        http = HttpClient.newBuilder().sslContext(trustAll).connectTimeout(Duration.ofSeconds(2)).build();
        long t0 = System.nanoTime();
        // The packaged agent as scripts/demo runs it (scripts/bench passes -Dopenbell.agentJar); else this classpath.
        String jar = System.getProperty("openbell.agentJar");
        List<String> launch = jar != null ? List.of("-jar", jar)
                : List.of("-cp", System.getProperty("java.class.path"), "org.openbell.agent.Main");
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions(aotFlag));
        command.addAll(launch);
        command.addAll(List.of("--config", config.toString()));
        process = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the agent exited: " + Files.readString(log));
            }
            try {
                if (status().path("mqttConnected").asBoolean()) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the agent was not ready in 60 s: " + Files.readString(log));
            }
            Thread.sleep(10);
        }
        startToReadyMs = (System.nanoTime() - t0) / 1e6;
    }

    public long pid() {
        return process.pid();
    }

    public JsonNode status() throws IOException, InterruptedException {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/status")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    JsonNode callStats() throws IOException, InterruptedException {
        return get("/api/call/stats");
    }

    /** When the simulated microphone's bursts started (wall-clock ms). */
    JsonNode microphoneBursts() throws IOException, InterruptedException {
        return get("/api/simulate/microphone").path("burstStarts");
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    public void press() throws IOException, InterruptedException {
        int code = http.send(HttpRequest.newBuilder(URI.create(base + "/api/simulate/press"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        if (code != 202) {
            throw new IllegalStateException("press refused: HTTP " + code);
        }
    }

    /** Resident memory of a process in MiB, from /proc. */
    static double rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    /**
     * The agent's live heap in MiB: a class histogram forces a full collection first, so what is
     * left is what the agent still holds (the leak indicator; RSS also counts garbage not yet collected).
     */
    static double liveHeapMiB(long pid) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid), "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        jcmd.waitFor();
        for (String line : out.split("\n")) {
            if (line.startsWith("Total")) {
                String[] parts = line.trim().split("\\s+");
                return Long.parseLong(parts[2]) / (1024.0 * 1024.0);
            }
        }
        throw new IOException("no class histogram from jcmd: " + out.lines().limit(3).toList());
    }

    /** User + system CPU seconds used by a process so far, from /proc (clock ticks of 1/100 s). */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        List<String> fields = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
        return (Long.parseLong(fields.get(11)) + Long.parseLong(fields.get(12))) / 100.0;
    }

    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
