package org.openbell.agent.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.Closing;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.agent.e2e.Chromium;
import org.openbell.agent.ring.RingState;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.signaling.testing.MosquittoBroker;
import org.openbell.signaling.testing.TestCertificates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls across an internet of namespaces ({@link InternetTopology}): the doorbell at home behind
 * a NAT router, the broker, coturn and a copy of the owner app on the internet, one phone on the
 * home LAN and one away behind its own NAT. The away phone uses the hosted copy, set up by the
 * link the doorbell's page gives ("Away from home"), and gets its TURN credentials with each offer.
 * Each call must take the path a real one would, read from both ends' stats:
 * host on the same LAN; server-reflexive through the two NATs; relayed when UDP between the two
 * homes is blocked (TURN over UDP); relayed over TLS when the away phone's network blocks all UDP
 * and plain TCP to the relay.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InternetCallTest {

    private static final Logger log = LoggerFactory.getLogger(InternetCallTest.class);
    private static final double WAIT_MS = 30_000;
    private static final String SECRET = "internet-test-secret-0123456789";

    @TempDir
    static Path state;
    static InternetTopology net;
    static MosquittoBroker broker;
    static TestTurnServer turn;
    static Agent agent;
    static Chromium away;
    static Chromium atHome;
    static Process appHost;
    static String awayLink;

    @BeforeAll
    static void start() throws Exception {
        String unavailable = TestTurnServer.topologyUnavailableReason();
        assumeTrue(unavailable == null, unavailable);
        net = InternetTopology.create();
        broker = MosquittoBroker.startInNamespace(net.internet, InternetTopology.INTERNET_HOME_SIDE);
        Path[] tls = TestCertificates.authority(state, "turn-ca").server("turn", "turn.openbell.test",
                Instant.now().minus(1, ChronoUnit.HOURS), Instant.now().plus(1, ChronoUnit.DAYS));
        turn = TestTurnServer.start(state, net.internet, InternetTopology.INTERNET_HOME_SIDE, 3478, SECRET,
                "--tls-cert", tls[0].toString(), "--tls-key", tls[1].toString(), "--tls-port", "5349",
                "--relay-ip", InternetTopology.INTERNET_HOME_SIDE, "--min-port", "50400", "--max-port", "50500",
                "--allow-peer", "100.64.79.0-100.64.80.255");
        String turnHost = InternetTopology.INTERNET_HOME_SIDE;
        agent = Agent.start(ConfigLoader.parse("""
                hardware: {mode: simulated, button: {debounce: 5ms, lockout: 200ms}, chime: {duration: 100ms}}
                mqtt: {broker: "%s", webSocketUrl: "ws://%s:8080/mqtt", reconnectMin: 100ms, reconnectMax: 1s}
                web: {bind: %s, port: 0, ownerAppUrl: "http://%s:8000/"}
                media:
                  audio: headless
                  workerCommandPrefix: [ip, netns, exec, %s]
                  iceServers:
                    - urls: ["stun:%s:3478"]
                    - urls: ["turn:%s:3478?transport=udp", "turn:%s:3478?transport=tcp", "turns:%s:5349?transport=tcp"]
                      secret: %s
                stateDir: "%s"
                """.formatted(broker.tcpUri(), turnHost, InternetTopology.AGENT, turnHost, net.door, turnHost, turnHost, turnHost, turnHost,
                SECRET, state.resolve("agent")), "internet test config"));
        appHost = hostOwnerApp(state.resolve("hosted-app"));
        // The relay's certificate is from a throwaway authority the browser does not know; the hosted
        // copy is plain HTTP here (a real one has a certificate), so it is declared a secure context.
        away = Chromium.launchInNamespace(net.phone, "--ignore-certificate-errors",
                "--unsafely-treat-insecure-origin-as-secure=http://" + turnHost + ":8000");
        atHome = Chromium.launchInNamespace(net.lanPhone);
        Page home = atHome.phone("setup");
        home.navigate("https://" + InternetTopology.AGENT + ":" + agent.webPort() + "/");
        awayLink = home.locator("#away-link").getAttribute("href", new Locator.GetAttributeOptions().setTimeout(WAIT_MS));
        home.waitForSelector("#presence[data-state=online]", new Page.WaitForSelectorOptions().setTimeout(WAIT_MS));
        home.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/away-from-home.png")).setFullPage(true));
        home.context().close();
        assertTrue(awayLink.startsWith("http://" + turnHost + ":8000/#import="), awayLink);
    }

    /** The owner app's files, served from the internet namespace by the JDK's simple web server. */
    private static Process hostOwnerApp(Path dir) throws Exception {
        Path built = Path.of("target/classes/webapp");
        try (var files = Files.walk(built)) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("demo")).toList()) {
                Path target = dir.resolve(built.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        }
        Process server = new ProcessBuilder("ip", "netns", "exec", net.internet,
                Path.of(System.getProperty("java.home"), "bin", "jwebserver").toString(),
                "-b", InternetTopology.INTERNET_HOME_SIDE, "-p", "8000", "-d", dir.toAbsolutePath().toString(), "-o", "none")
                .redirectErrorStream(true).redirectOutput(dir.resolveSibling("app-host.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(InternetTopology.INTERNET_HOME_SIDE, 8000), 200);
                return server;
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        server.destroyForcibly();
        throw new IllegalStateException("the hosted owner app did not start: " + Files.readString(dir.resolveSibling("app-host.log")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (appHost != null) {
            appHost.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        Closing.all(away, atHome, agent, turn, broker, net);
    }

    @AfterEach
    void hangUp() throws Exception {
        agent.calls().hangup();
        for (int i = 0; i < 100 && agent.ring().snapshot().state() != RingState.IDLE; i++) {
            Thread.sleep(100);
        }
    }

    @Test
    @Order(1)
    void onTheSameLanTheCallGoesHostToHost() throws Exception {
        Route path = call(atHome, "lan-owner", p -> p.remoteType().equals("host"));
        assertEquals("host " + InternetTopology.DOOR, path.remote(), "the phone reaches the doorbell's own address: " + path);
        assertTrue(path.doorRemote().equals("host") || path.doorRemote().equals("prflx"), path.toString());
    }

    @Test
    @Order(2)
    void awayTheCallGoesThroughBothNatsMappings() throws Exception {
        Route path = call(away, "away-owner", p -> p.remoteType().matches("srflx|prflx") && p.localType().matches("host|srflx|prflx"));
        assertTrue(path.remote().matches("(srflx|prflx) " + InternetTopology.HOME_PUBLIC.replace(".", "\\.")),
                "the phone reaches the doorbell at its home router's public address: " + path);
        assertTrue(path.doorRemote().matches("srflx|prflx"), "the doorbell reaches the phone at its router's mapping: " + path);
    }

    @Test
    @Order(3)
    void withUdpBlockedBetweenTheHomesTheCallIsRelayedOverUdp() throws Exception {
        net.forwardRule(net.internet, "ip saddr " + InternetTopology.PHONE_PUBLIC + " ip daddr " + InternetTopology.HOME_PUBLIC + " meta l4proto udp drop");
        net.forwardRule(net.internet, "ip saddr " + InternetTopology.HOME_PUBLIC + " ip daddr " + InternetTopology.PHONE_PUBLIC + " meta l4proto udp drop");
        try {
            Route path = call(away, "relay-owner", p -> p.localType().equals("relay") || p.remoteType().equals("relay"));
            assertTrue(path.local().startsWith("relay") || path.remote().startsWith("relay"), path.toString());
            assertTrue(!path.local().startsWith("relay") || path.relayProtocol().equals("udp"), "TURN over UDP: " + path);
        } finally {
            net.clearRules(net.internet);
        }
    }

    @Test
    @Order(4)
    void whenThePhonesNetworkAllowsOnlyTlsTheCallIsRelayedOverTls() throws Exception {
        net.forwardRule(net.phoneRouter, "meta l4proto udp drop");
        net.forwardRule(net.phoneRouter, "tcp dport 3478 drop");
        try {
            Route path = call(away, "tls-owner", p -> p.localType().equals("relay"));
            assertEquals("tls", path.relayProtocol(), "the phone reaches the relay over TLS: " + path);
        } finally {
            net.clearRules(net.phoneRouter);
        }
    }

    /** The selected path of a call, as the phone (Chromium) and the doorbell (worker stats) see it. */
    record Route(String local, String remote, String relayProtocol, String doorLocal, String doorRemote) {
        String localType() {
            return local.split(" ")[0];
        }

        String remoteType() {
            return remote.split(" ")[0];
        }
    }

    /** Rings {@code chromium}'s page, answers, waits for video, until the selected path satisfies {@code settled} and the doorbell reports its own. */
    private Route call(Chromium chromium, String owner, Predicate<Route> settled) throws Exception {
        Page page = chromium.phone(owner);
        try {
            page.navigate(chromium == away ? awayLink : "https://" + InternetTopology.AGENT + ":" + agent.webPort() + "/?owner=" + owner);
            page.waitForSelector("#presence[data-state=online]", new Page.WaitForSelectorOptions().setTimeout(WAIT_MS));
            assertEquals(chromium == away, page.evaluate("openbell.hosted"), "the away phone runs the hosted copy");
            ((SimulatedBoard) agent.board()).press();
            page.locator("#ring-screen").waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE).setTimeout(WAIT_MS));
            page.locator("#answer").click();
            page.waitForFunction("() => openbell.call && openbell.call.firstFrameAt > 0", null,
                    new Page.WaitForFunctionOptions().setTimeout(WAIT_MS));
            Route path = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                path = path(page);
                if (settled.test(path) && !path.doorRemote().isEmpty()) {
                    break;
                }
                Thread.sleep(500);
            }
            log.info("{}: the phone's path {} -> {} ({}); the doorbell's {} -> {}", owner, path.local(), path.remote(),
                    path.relayProtocol(), path.doorLocal(), path.doorRemote());
            return path;
        } finally {
            page.context().close();
        }
    }

    @SuppressWarnings("unchecked")
    private Route path(Page page) throws Exception {
        Map<String, Object> seen = (Map<String, Object>) page.evaluate("""
                async () => {
                  const seen = { local: '', remote: '', relayProtocol: '' };
                  const report = await openbell.call.pc.getStats();
                  report.forEach(s => {
                    if (s.type === 'transport' && s.selectedCandidatePairId) {
                      const pair = report.get(s.selectedCandidatePairId);
                      const l = report.get(pair.localCandidateId);
                      const r = report.get(pair.remoteCandidateId);
                      seen.local = l.candidateType + ' ' + l.address;
                      seen.remote = r.candidateType + ' ' + r.address;
                      seen.relayProtocol = l.relayProtocol || '';
                    }
                  });
                  return seen;
                }""");
        JsonNode door = agent.calls().stats().get(10, TimeUnit.SECONDS);
        return new Route(String.valueOf(seen.get("local")), String.valueOf(seen.get("remote")), String.valueOf(seen.get("relayProtocol")),
                door.path("pathLocal").asText(), door.path("pathRemote").asText());
    }
}
