package org.openbell.agent.call;

import org.openbell.agent.TestPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openbell.signaling.IceServer;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.webrtc.TestTurnServer;

/**
 * A real coturn configured by scripts/turn-config, on loopback, and the credentials the doorbell
 * issues ({@link IceServers}): fresh ones allocate a relay, expired or forged ones do not, and the
 * relay refuses to reach loopback and private addresses. (The refused peers never see a packet:
 * coturn answers the permission request with 403 itself.)
 */
class TurnRelayTest {

    private static final Path UCLIENT = Path.of("/usr/bin/turnutils_uclient");
    private static final String SECRET = "test-secret-0123456789abcdef";

    @TempDir
    Path dir;
    private TestTurnServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(TestTurnServer.unavailableReason() == null && Files.isExecutable(UCLIENT), TestTurnServer.unavailableReason());
        port = TestPorts.free();
        int relayBase = 40_000 + ThreadLocalRandom.current().nextInt(20_000);
        // (TestTurnServer also fails if scripts/turn-config prints the secret.)
        server = TestTurnServer.start(dir, null, "127.0.0.1", port, SECRET, "--relay-ip", "127.0.0.1",
                "--min-port", String.valueOf(relayBase), "--max-port", String.valueOf(relayBase + 50));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void freshCredentialsAllocateARelayThatRefusesLoopbackAndPrivatePeers() throws Exception {
        IceServer turn = issued(Instant.now());
        String loopback = relayTo(turn, "127.0.0.1");
        assertFalse(loopback.contains("Cannot complete Allocation"), "allocated: " + loopback);
        assertTrue(loopback.contains("403 (Forbidden IP)"), "relaying to loopback refused: " + loopback);
        for (String privatePeer : List.of("10.1.2.3", "192.168.1.10", "172.16.0.5", "169.254.1.1")) {
            String said = relayTo(turn, privatePeer);
            assertTrue(said.contains("403 (Forbidden IP)"), "relaying to " + privatePeer + " refused: " + said);
        }
    }

    @Test
    void expiredOrForgedCredentialsAreRefused() throws Exception {
        IceServer expired = issued(Instant.now().minus(Duration.ofHours(3))); // issued for 2 h, 3 h ago
        assertTrue(relayTo(expired, "127.0.0.1").contains("Cannot complete Allocation"), "expired credentials refused");
        IceServer real = issued(Instant.now());
        IceServer forged = new IceServer(real.urls(), real.username(),
                Optional.of(IceServers.credential("not-the-secret-0000", real.username().orElseThrow())));
        assertTrue(relayTo(forged, "127.0.0.1").contains("Cannot complete Allocation"), "forged credentials refused");
    }

    @Test
    void theSecretIsNeverHandedOut() {
        IceServer turn = issued(Instant.now());
        assertFalse(turn.username().orElseThrow().contains(SECRET) || turn.credential().orElseThrow().contains(SECRET));
        assertEquals(List.of("turn:127.0.0.1:" + port + "?transport=udp"), turn.urls());
        assertTrue(turn.username().orElseThrow().endsWith(":front-door"), turn.username().orElseThrow());
    }

    private IceServer issued(Instant at) {
        ConfiguredIceServer configured = ConfiguredIceServer.withSecret(List.of("turn:127.0.0.1:" + port + "?transport=udp"), SECRET,
                Duration.ofHours(2));
        return IceServers.issue(List.of(configured), "front-door", at).getFirst();
    }

    /** Allocates with {@code turn}'s credentials and asks the relay for a channel to {@code peer}; returns what the client said. */
    private String relayTo(IceServer turn, String peer) throws Exception {
        Process client = new ProcessBuilder(UCLIENT.toString(), "-u", turn.username().orElseThrow(), "-w", turn.credential().orElseThrow(),
                "-p", String.valueOf(port), "-e", peer, "-r", "9", "-n", "1", "-m", "1", "-c", "127.0.0.1")
                .redirectErrorStream(true).start();
        if (!client.waitFor(15, TimeUnit.SECONDS)) {
            client.destroyForcibly();
        }
        return new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

}
