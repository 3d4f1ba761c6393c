package org.openbell.signaling.mqtt;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openbell.signaling.mqtt.MqttLinkTest.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.signaling.testing.MosquittoBroker;
import org.openbell.signaling.testing.TestCertificates;

/**
 * The link over TLS to a real Mosquitto: it connects when the broker's certificate is signed by
 * the configured authority and names the host; it refuses, and says why in plain words, when the
 * authority is another one, the name differs, or the certificate has expired.
 */
class MqttLinkTlsTest {

    @TempDir
    Path dir;

    @Test
    void connectsToABrokerWhoseCertificateTheConfiguredAuthoritySignedForThisHost() throws Exception {
        TestCertificates ca = TestCertificates.authority(dir, "home");
        Path[] server = ca.server("broker", "localhost");
        try (MosquittoBroker broker = MosquittoBroker.startWithTls(server[0], server[1]);
                MqttLink link = link(broker.tlsUri("localhost"), ca.caFile("home"))) {
            await(link::isConnected, "a TLS connection");
        }
    }

    @Test
    void refusesABrokerCertificateFromAnotherAuthority() throws Exception {
        TestCertificates ca = TestCertificates.authority(dir, "home");
        Path[] server = ca.server("broker", "localhost");
        assertRefused(server, "localhost", TestCertificates.authority(dir, "stranger").caFile("stranger"), "not signed by a trusted authority");
    }

    @Test
    void refusesABrokerCertificateForAnotherName() throws Exception {
        TestCertificates ca = TestCertificates.authority(dir, "home");
        Path[] server = ca.server("broker", "broker.example.org");
        assertRefused(server, "localhost", ca.caFile("home"), "does not name the host");
    }

    @Test
    void refusesAnExpiredBrokerCertificate() throws Exception {
        TestCertificates ca = TestCertificates.authority(dir, "home");
        Instant now = Instant.now();
        Path[] server = ca.server("broker", "localhost", now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
        assertRefused(server, "localhost", ca.caFile("home"), "expired");
    }

    @Test
    void aMissingOrEmptyAuthorityFileIsAClearErrorAtStart() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> link("ssl://localhost:8883", dir.resolve("missing.pem")));
        assertTrue(missing.getMessage().contains("missing.pem"), missing.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> link("ssl://localhost:8883", empty));
        assertTrue(none.getMessage().contains("no certificate"), none.getMessage());
    }

    private void assertRefused(Path[] server, String host, Path caFile, String reason) throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.startWithTls(server[0], server[1]);
                MqttLink link = link(broker.tlsUri(host), caFile)) {
            await(() -> link.lastConnectFailure().isPresent(), "a refused connection");
            String why = link.lastConnectFailure().orElseThrow();
            assertTrue(why.startsWith("TLS refused") && why.contains(reason), why);
            assertTrue(!link.isConnected(), "not connected");
        }
    }

    private static MqttLink link(String uri, Path caFile) {
        return MqttLink.start(MqttSettings.builder(uri, "tls-" + System.nanoTime()).caFile(caFile)
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(1)).build());
    }
}
