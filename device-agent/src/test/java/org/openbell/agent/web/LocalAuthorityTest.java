package org.openbell.agent.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The doorbell's own certificate authority: trusted, it makes the page a secure context; it can vouch only for the home network. */
class LocalAuthorityTest {

    @TempDir
    Path state;

    private static X509Certificate read(Path pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
    }

    @Test
    void aPhoneThatTrustsTheAuthorityOpensThePageWithoutAWarning() throws Exception {
        TlsIdentity tls = TlsIdentity.loadOrGenerate(null, null, state);
        Path ca = tls.authorityCertificate().orElseThrow();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.resolveSibling("ca.key"))));
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("doorbell", read(ca));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(anchors);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);
        try (WebServer web = WebServer.start("127.0.0.1", 0, tls, new WebServerTest.StatusOnly());
                HttpClient http = HttpClient.newBuilder().sslContext(client).build()) {
            // Host name checked, as browsers do, for the name and the address.
            for (String host : List.of("localhost", "127.0.0.1")) {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create("https://" + host + ":" + web.port() + "/ca.crt")).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, response.statusCode(), host);
                assertEquals("application/x-x509-ca-cert", response.headers().firstValue("Content-Type").orElseThrow());
                assertArrayEquals(Files.readAllBytes(ca), response.body(), "the page offers the authority to install");
            }
        }
    }

    @Test
    void theAuthorityCannotVouchForAPublicSite() throws Exception {
        LocalAuthority authority = LocalAuthority.loadOrCreate(state, "doorbell");
        // The authority's own name constraints, evaluated by Bouncy Castle's RFC 5280 name
        // constraint checker (browsers apply an installed root's constraints; the JDK's PKIX
        // does not support constraints on a trust anchor at all).
        org.bouncycastle.asn1.x509.NameConstraints constraints = org.bouncycastle.asn1.x509.NameConstraints.getInstance(
                org.bouncycastle.asn1.DEROctetString.getInstance(authority.certificate().getExtensionValue("2.5.29.30")).getOctets());
        org.bouncycastle.asn1.x509.PKIXNameConstraintValidator checker = new org.bouncycastle.asn1.x509.PKIXNameConstraintValidator();
        checker.intersectPermittedSubtree(constraints.getPermittedSubtrees());
        for (GeneralName fine : List.of(new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.dNSName, "doorbell.local"),
                new GeneralName(GeneralName.dNSName, "doorbell"), new GeneralName(GeneralName.iPAddress, "192.168.1.20"),
                new GeneralName(GeneralName.iPAddress, "10.0.0.7"), new GeneralName(GeneralName.iPAddress, "fd00::5"))) {
            checker.checkPermitted(fine);
        }
        for (GeneralName refused : List.of(new GeneralName(GeneralName.dNSName, "www.bank.example"),
                new GeneralName(GeneralName.dNSName, "local.bank.example"), new GeneralName(GeneralName.iPAddress, "8.8.8.8"),
                new GeneralName(GeneralName.iPAddress, "2a00:1450::1"))) {
            assertThrows(org.bouncycastle.asn1.x509.NameConstraintValidatorException.class, () -> checker.checkPermitted(refused),
                    refused.toString());
        }
        assertTrue(LocalAuthority.permits(InetAddress.getByName("10.1.2.3")));
        assertTrue(!LocalAuthority.permits(InetAddress.getByName("8.8.8.8")));
        // And the server certificate it issues chains to it (validated with the JDK's PKIX).
        X509Certificate lan = authority.issueServer(LocalAuthority.newKeys(), List.of(new GeneralName(GeneralName.dNSName, "doorbell.local")));
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(authority.certificate(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(lan)), params);
    }

    @Test
    void theCertificateStaysAcrossRestartsAndAnOldSelfSignedOneIsIssuedAgain() throws Exception {
        TlsIdentity first = TlsIdentity.loadOrGenerate(null, null, state);
        byte[] stored = Files.readAllBytes(first.keystore());
        TlsIdentity again = TlsIdentity.loadOrGenerate(null, null, state);
        assertArrayEquals(stored, Files.readAllBytes(again.keystore()), "nothing changed: the same certificate (phones keep trusting it)");

        // A keystore from before the authority existed (here: issued by another authority).
        LocalAuthority other = LocalAuthority.loadOrCreate(state.resolve("elsewhere"), "other");
        KeyPair keys = LocalAuthority.newKeys();
        char[] password = new String(Files.readAllBytes(state.resolve("tls/agent.p12.password"))).trim().toCharArray();
        Files.write(first.keystore(), TlsIdentity.keystoreOf(password, keys, new X509Certificate[] {
                other.issueServer(keys, List.of(new GeneralName(GeneralName.dNSName, "localhost")))}));
        TlsIdentity upgraded = TlsIdentity.loadOrGenerate(null, null, state);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(upgraded.keystore())) {
            ks.load(in, upgraded.password());
        }
        X509Certificate server = (X509Certificate) ks.getCertificateChain("openbell")[0];
        server.verify(read(upgraded.authorityCertificate().orElseThrow()).getPublicKey()); // issued by this doorbell's authority now
        assertEquals(Optional.of(state.resolve("tls/ca.crt")), upgraded.authorityCertificate());
    }
}
