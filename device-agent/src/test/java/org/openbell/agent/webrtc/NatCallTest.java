package org.openbell.agent.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.Closing;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.agent.e2e.Chromium;
import org.openbell.hardware.SimulatedBoard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The doorbell behind a home router that masquerades (nftables), the phone on the "internet" side
 * with a STUN server (coturn) next to it:
 *
 * <pre>
 *   root (agent, broker) 10.79.1.1 --veth-- 10.79.1.2  phone (Chromium, coturn on 10.79.2.2)
 *                                           10.79.2.2 --veth-- 10.79.2.1  router (NAT)  192.168.79.1 --veth-- 192.168.79.2  home (media worker)
 * </pre>
 *
 * The doorbell's private address is unreachable from the phone; the call must go through the
 * router's mapping, found by STUN: the phone sees the doorbell at the router's address, as a
 * server-reflexive (or peer-reflexive) candidate.
 */
class NatCallTest {

    private static final Logger log = LoggerFactory.getLogger(NatCallTest.class);
    private static final double WAIT_MS = 30_000;

    @TempDir
    static Path state;
    static String tag;
    static Agent agent;
    static Chromium chromium;
    static TestTurnServer stun;

    @BeforeAll
    static void start() throws Exception {
        String unavailable = Namespaces.unavailableReason();
        assumeTrue(unavailable == null, unavailable);
        assumeTrue(TestTurnServer.unavailableReason() == null && Files.isExecutable(Path.of("/usr/sbin/nft")),
                "needs coturn and nftables (scripts/test installs them)");
        tag = String.valueOf(ProcessHandle.current().pid() % 100000);
        build();
        stun = TestTurnServer.start(state, phone(), "10.79.2.2", 3478, "nat-test-secret-0123456789",
                "--min-port", "50200", "--max-port", "50300");
        var config = ConfigLoader.parse("""
                hardware: {mode: simulated, button: {debounce: 5ms, lockout: 200ms}, chime: {duration: 100ms}}
                embeddedBroker: {bind: 127.0.0.1, port: %d, webSocketBind: 10.79.1.1, webSocketPort: %d}
                web: {bind: 10.79.1.1, port: 0}
                media: {audio: headless, workerCommandPrefix: [ip, netns, exec, %s], iceServers: [{urls: ["stun:10.79.2.2:3478"]}]}
                stateDir: "%s"
                """.formatted(freePort(), freePort(), home(), state.resolve("agent")), "NAT test config");
        agent = Agent.start(config);
        chromium = Chromium.launchInNamespace(phone());
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.all(chromium, agent, stun);
        quietly("ip", "link", "del", "obnx" + tag);
        for (String ns : List.of(phone(), router(), home())) {
            quietly("ip", "netns", "del", ns);
        }
    }

    @Test
    void throughAMasqueradingRouterTheCallUsesTheRoutersMapping() throws Exception {
        Page page = chromium.phone("owner");
        page.navigate("https://10.79.1.1:" + agent.webPort() + "/?owner=nina");
        page.waitForSelector("#presence[data-state=online]", new Page.WaitForSelectorOptions().setTimeout(WAIT_MS));
        ((SimulatedBoard) agent.board()).press();
        page.locator("#ring-screen").waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE).setTimeout(WAIT_MS));
        page.locator("#answer").click();
        page.waitForFunction("() => openbell.call && openbell.call.firstFrameAt > 0", null,
                new Page.WaitForFunctionOptions().setTimeout(WAIT_MS));
        String remote = (String) page.evaluate("""
                async () => {
                  let seen = '';
                  const report = await openbell.call.pc.getStats();
                  report.forEach(s => {
                    if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
                      const r = report.get(s.remoteCandidateId);
                      seen = r.candidateType + ' ' + r.address;
                    }
                  });
                  return seen;
                }""");
        JsonNode stats = agent.calls().stats().get(10, TimeUnit.SECONDS);
        log.info("Through the NAT: the phone sees the doorbell as {}; the doorbell's side {} -> {}", remote,
                stats.path("pathLocal"), stats.path("pathRemote"));
        assertTrue(remote.equals("srflx 10.79.2.1") || remote.equals("prflx 10.79.2.1"),
                "the phone reaches the doorbell at the router's mapping: " + remote);
        assertEquals("host", stats.path("pathRemote").asText(), "the phone is not behind a NAT: " + stats);
        agent.calls().hangup();
    }

    private static String phone() {
        return "obnp" + tag;
    }

    private static String router() {
        return "obnr" + tag;
    }

    private static String home() {
        return "obnh" + tag;
    }

    private static void build() {
        for (String ns : List.of(phone(), router(), home())) {
            quietly("ip", "netns", "del", ns);
            run("ip", "netns", "add", ns);
            run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
            run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
            run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        quietly("ip", "link", "del", "obnx" + tag);
        // root <-> phone: the page reaches the agent and the broker
        run("ip", "link", "add", "obnx" + tag, "type", "veth", "peer", "name", "eth0", "netns", phone());
        run("sysctl", "-q", "-w", "net.ipv6.conf.obnx" + tag + ".disable_ipv6=1");
        run("ip", "addr", "add", "10.79.1.1/24", "dev", "obnx" + tag);
        run("ip", "link", "set", "obnx" + tag, "up");
        run("ip", "-n", phone(), "addr", "add", "10.79.1.2/24", "dev", "eth0");
        run("ip", "-n", phone(), "link", "set", "eth0", "up");
        // phone <-> router ("internet")
        run("ip", "-n", phone(), "link", "add", "wan", "type", "veth", "peer", "name", "wan", "netns", router());
        run("ip", "-n", phone(), "addr", "add", "10.79.2.2/24", "dev", "wan");
        run("ip", "-n", phone(), "link", "set", "wan", "up");
        run("ip", "-n", router(), "addr", "add", "10.79.2.1/24", "dev", "wan");
        run("ip", "-n", router(), "link", "set", "wan", "up");
        // router <-> home (the doorbell's LAN), the router masquerading it
        run("ip", "-n", router(), "link", "add", "lan", "type", "veth", "peer", "name", "eth0", "netns", home());
        run("ip", "-n", router(), "addr", "add", "192.168.79.1/24", "dev", "lan");
        run("ip", "-n", router(), "link", "set", "lan", "up");
        run("ip", "-n", home(), "addr", "add", "192.168.79.2/24", "dev", "eth0");
        run("ip", "-n", home(), "link", "set", "eth0", "up");
        run("ip", "-n", home(), "route", "add", "default", "via", "192.168.79.1");
        run("ip", "netns", "exec", router(), "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        run("ip", "netns", "exec", router(), "nft", "add", "table", "ip", "nat");
        run("ip", "netns", "exec", router(), "nft", "add", "chain", "ip", "nat", "postrouting",
                "{ type nat hook postrouting priority 100 ; }");
        run("ip", "netns", "exec", router(), "nft", "add", "rule", "ip", "nat", "postrouting", "oifname", "wan", "masquerade");
    }

    private static void run(String... words) {
        try {
            Process p = new ProcessBuilder(words).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", words) + " failed: " + out.trim());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void quietly(String... words) {
        try {
            new ProcessBuilder(words).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            // nothing to clean up
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
