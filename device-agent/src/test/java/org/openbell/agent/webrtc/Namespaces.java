package org.openbell.agent.webrtc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The WebRTC test topology, made of Linux network namespaces the test owns (nothing leaves them):
 *
 * <pre>
 *   root namespace (test JVM: agent, broker)      10.77.1.1 --veth-- 10.77.1.2   phone namespace (Chromium)
 *                                                                     10.77.2.2 --veth-- 10.77.2.1   door namespace (media worker)
 * </pre>
 *
 * The phone reaches the agent's HTTPS and the broker's WebSocket over the first link, and the
 * media worker over the second. The door namespace has no other interface, so the worker can
 * send media nowhere but to the phone. Needs root.
 */
public final class Namespaces implements AutoCloseable {

    public final String phone;
    public final String door;
    public final String rootAddress = "10.77.1.1";
    private final String rootLink;
    private final String doorLink;

    private Namespaces(String tag) {
        this.phone = "obph" + tag;
        this.door = "obdr" + tag;
        this.rootLink = "obr" + tag;
        this.doorLink = "obd" + tag;
    }

    /** Why the topology cannot be built here, or null if it can. */
    public static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "WebRTC end-to-end tests need root (network namespaces); run scripts/test as root";
        }
        try {
            Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "'ip netns' does not work here: " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException | InterruptedException e) {
            return "'ip' is missing (apt-get install iproute2): " + e.getMessage();
        }
        return null;
    }

    public static Namespaces create() {
        Namespaces ns = new Namespaces(String.valueOf(ProcessHandle.current().pid() % 100000));
        try {
            ns.build();
            return ns;
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    private void build() {
        close(); // leftovers of a crashed run with the same pid
        removeLeftoversOfDeadRuns();
        ip("netns", "add", phone);
        ip("netns", "add", door);
        // IPv4 only: IPv6 address configuration on fresh links makes Chromium see "network
        // changed" and abort requests in flight.
        for (String ns : List.of(phone, door)) {
            run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
            run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
        }
        ip("-n", phone, "link", "set", "lo", "up");
        ip("-n", door, "link", "set", "lo", "up");
        // root <-> phone
        ip("link", "add", rootLink, "type", "veth", "peer", "name", "eth0", "netns", phone);
        run("sysctl", "-q", "-w", "net.ipv6.conf." + rootLink + ".disable_ipv6=1");
        ip("addr", "add", rootAddress + "/24", "dev", rootLink);
        ip("link", "set", rootLink, "up");
        ip("-n", phone, "addr", "add", "10.77.1.2/24", "dev", "eth0");
        ip("-n", phone, "link", "set", "eth0", "up");
        // phone <-> door
        ip("-n", phone, "link", "add", doorLink, "type", "veth", "peer", "name", "eth0", "netns", door);
        ip("-n", phone, "addr", "add", "10.77.2.2/24", "dev", doorLink);
        ip("-n", phone, "link", "set", doorLink, "up");
        ip("-n", door, "addr", "add", "10.77.2.1/24", "dev", "eth0");
        ip("-n", door, "link", "set", "eth0", "up");
    }

    /** Gives the phone a new address on its link to the doorbell (the phone moved networks): the old media path is gone. */
    public void renumberPhone(String newAddress, String oldAddress) {
        ip("-n", phone, "addr", "del", oldAddress + "/24", "dev", doorLink);
        ip("-n", phone, "addr", "add", newAddress + "/24", "dev", doorLink);
    }

    /** Words that run a command inside {@code namespace}. */
    List<String> exec(String namespace) {
        return List.of("ip", "netns", "exec", namespace);
    }

    /**
     * A killed test run leaves its namespaces and its root-side link, with the same 10.77.1.1/24
     * as ours: the phone's packets then go to a dead link and nothing loads. Names carry the pid
     * of the run that made them; those whose process is gone are removed.
     */
    private static void removeLeftoversOfDeadRuns() {
        java.util.Set<String> dead = new java.util.TreeSet<>();
        for (String listing : List.of(output("ip", "netns", "list"), output("ip", "-br", "link"))) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\bob(?:ph|dr|r)(\\d+)\\b").matcher(listing);
            while (m.find()) {
                long pid = Long.parseLong(m.group(1));
                boolean alive = ProcessHandle.allProcesses().anyMatch(p -> p.pid() % 100000 == pid && p.isAlive());
                if (!alive) {
                    dead.add(m.group(1));
                }
            }
        }
        for (String tag : dead) {
            quietly("link", "del", "obr" + tag);
            quietly("netns", "del", "obph" + tag);
            quietly("netns", "del", "obdr" + tag);
        }
    }

    private static String output(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public void close() {
        quietly("link", "del", rootLink);
        quietly("netns", "del", phone);
        quietly("netns", "del", door);
    }

    private static void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        run(command.toArray(String[]::new));
    }

    /** Runs a command (an {@code ip} or {@code sysctl} line), throwing with its output if it fails. */
    public static void run(String... words) {
        List<String> command = List.of(words);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output.trim());
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void quietly(String... args) {
        try {
            ip(args);
        } catch (IllegalStateException e) {
            // not there: fine
        }
    }
}
