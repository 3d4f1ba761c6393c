package org.openbell.agent.integration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The broker cluster's network, made of Linux network namespaces the test owns (nothing leaves them):
 * one namespace per node, each joined by a veth pair to a bridge in the root namespace, where the test
 * JVM (doorbell, owners) runs.
 *
 * <pre>
 *   root namespace 10.79.0.1 (bridge) --veth-- 10.79.0.11 node 1 namespace
 *                                     --veth-- 10.79.0.12 node 2 namespace
 *                                     --veth-- 10.79.0.13 node 3 namespace
 * </pre>
 *
 * The nodes reach each other across the bridge (Erlang distribution, epmd on its usual port in each
 * namespace) and the clients reach them at their own addresses, as on three machines. Needs root.
 */
public final class ClusterNetwork implements AutoCloseable {

    private final String tag;
    private final int nodes;

    private ClusterNetwork(String tag, int nodes) {
        this.tag = tag;
        this.nodes = nodes;
    }

    /** Builds the bridge and {@code nodes} namespaces (at most 9). */
    public static ClusterNetwork create(int nodes) {
        ClusterNetwork net = new ClusterNetwork(String.valueOf(ProcessHandle.current().pid() % 100000), nodes);
        try {
            net.close(); // leftovers of a crashed run with the same pid
            removeLeftoversOfDeadRuns();
            net.build();
            return net;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /** Node {@code i}'s (1-based) namespace. */
    public String namespace(int i) {
        return "obrq" + i + "n" + tag;
    }

    /** Node {@code i}'s address, as the clients and the other nodes reach it. */
    public String address(int i) {
        return "10.79.0." + (10 + i);
    }

    private String bridge() {
        return "obrqb" + tag;
    }

    private String hostLink(int i) {
        return "obrq" + i + "h" + tag;
    }

    private void build() {
        ip("link", "add", bridge(), "type", "bridge");
        ip("addr", "add", "10.79.0.1/24", "dev", bridge());
        ip("link", "set", bridge(), "up");
        for (int i = 1; i <= nodes; i++) {
            ip("netns", "add", namespace(i));
            ip("-n", namespace(i), "link", "set", "lo", "up");
            ip("link", "add", hostLink(i), "type", "veth", "peer", "name", "eth0", "netns", namespace(i));
            ip("link", "set", hostLink(i), "master", bridge());
            ip("link", "set", hostLink(i), "up");
            ip("-n", namespace(i), "addr", "add", address(i) + "/24", "dev", "eth0");
            ip("-n", namespace(i), "link", "set", "eth0", "up");
        }
    }

    /** Kills every process in node {@code i}'s namespace at once (SIGKILL): a machine lost, not stopped. */
    public void killEverythingIn(int i) {
        pids(i).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    /** The processes in node {@code i}'s namespace (a broker and its helpers: their CPU and memory). */
    public List<Long> pids(int i) {
        List<Long> pids = new ArrayList<>();
        for (String pid : output("ip", "netns", "pids", namespace(i)).split("\\s+")) {
            if (!pid.isBlank()) {
                pids.add(Long.parseLong(pid));
            }
        }
        return pids;
    }

    @Override
    public void close() {
        for (int i = 1; i <= nodes; i++) {
            killEverythingIn(i);
            quietly("link", "del", hostLink(i));
            quietly("netns", "del", namespace(i));
        }
        quietly("link", "del", bridge());
    }

    /** A killed run leaves its bridge, with the same 10.79.0.1/24 as ours; names carry the pid of the run that made them. */
    private static void removeLeftoversOfDeadRuns() {
        java.util.Set<String> dead = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\bobrqb(\\d+)\\b").matcher(output("ip", "-br", "link"));
        while (m.find()) {
            long pid = Long.parseLong(m.group(1));
            if (ProcessHandle.allProcesses().noneMatch(p -> p.pid() % 100000 == pid && p.isAlive())) {
                dead.add(m.group(1));
            }
        }
        for (String tag : dead) {
            new ClusterNetwork(tag, 9).close();
        }
    }

    private static String output(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return p.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        org.openbell.agent.webrtc.Namespaces.run(command.toArray(String[]::new));
    }

    private static void quietly(String... args) {
        try {
            ip(args);
        } catch (IllegalStateException e) {
            // not there: fine
        }
    }
}
