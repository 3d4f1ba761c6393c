package org.openbell.agent.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openbell.signaling.access.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The doorbell's own certificate authority, made once in {@code stateDir/tls} ({@code ca.key},
 * mode 600; {@code ca.crt}). An owner may install its certificate on a phone (the page offers it
 * at {@code /ca.crt}); the doorbell's page is then a secure context without warnings, so the
 * phone can install the app and get pushes from the LAN page too.
 *
 * <p>Installing a certificate authority is a big trust to ask for, so this one can vouch for
 * nothing but the home network: its name constraints permit only {@code localhost}, names under
 * {@code .local}, this doorbell's host name, and loopback, private, link-local, unique-local and
 * carrier-grade-NAT addresses. A stolen key could not impersonate any public site.
 */
final class LocalAuthority {

    private static final Logger log = LoggerFactory.getLogger(LocalAuthority.class);
    private static final Duration VALIDITY = Duration.ofDays(3650);
    /** At most what iOS accepts from a user-installed authority (825 days). */
    static final Duration SERVER_VALIDITY = Duration.ofDays(820);
    /** The networks the authority may vouch for (address, prefix length). */
    private static final List<String> PERMITTED_NETWORKS = List.of("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12",
            "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10", "::1/128", "fc00::/7", "fe80::/10");

    private final PrivateKey key;
    private final X509Certificate certificate;
    private final Path certificateFile;

    private LocalAuthority(PrivateKey key, X509Certificate certificate, Path certificateFile) {
        this.key = key;
        this.certificate = certificate;
        this.certificateFile = certificateFile;
    }

    static LocalAuthority loadOrCreate(Path dir, String hostName) throws IOException, GeneralSecurityException {
        Path keyFile = dir.resolve("ca.key");
        Path certFile = dir.resolve("ca.crt");
        if (Files.exists(keyFile) && Files.exists(certFile)) {
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pemBody(Files.readString(keyFile))));
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(certFile)));
            return new LocalAuthority(key, cert, certFile);
        }
        KeyPair keys = newKeys();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=Openbell doorbell " + safe(hostName) + " (home network only), O=Openbell");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
        // Not marked critical: clients that know name constraints enforce them; the few that do
        // not would otherwise refuse the whole authority (CA/Browser Forum practice).
        builder.addExtension(Extension.nameConstraints, false, permitted(hostName));
        X509Certificate cert = sign(builder, keys.getPrivate());
        Files.createDirectories(dir);
        AtomicFiles.write(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()), true);
        AtomicFiles.write(certFile, pem(cert), false);
        log.info("Made the doorbell's certificate authority in {} (install {} on a phone to trust this doorbell's page)", dir, certFile);
        return new LocalAuthority(keys.getPrivate(), cert, certFile);
    }

    private static NameConstraints permitted(String hostName) {
        List<GeneralSubtree> subtrees = new ArrayList<>();
        subtrees.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, "localhost")));
        subtrees.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, "local")));
        if (hostName != null && hostName.matches("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*") && !hostName.equals("localhost")) {
            subtrees.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, hostName)));
        }
        for (String network : PERMITTED_NETWORKS) {
            subtrees.add(new GeneralSubtree(new GeneralName(GeneralName.iPAddress, network)));
        }
        return new NameConstraints(subtrees.toArray(GeneralSubtree[]::new), null);
    }

    /** Whether {@code address} is one this authority may vouch for. */
    static boolean permits(InetAddress address) {
        byte[] a = address.getAddress();
        for (String network : PERMITTED_NETWORKS) {
            String[] parts = network.split("/");
            byte[] n;
            try {
                n = InetAddress.getByName(parts[0]).getAddress();
            } catch (IOException e) {
                continue;
            }
            if (n.length != a.length) {
                continue;
            }
            int bits = Integer.parseInt(parts[1]);
            boolean match = true;
            for (int i = 0; i < bits && match; i++) {
                int mask = 0x80 >> (i % 8);
                match = (a[i / 8] & mask) == (n[i / 8] & mask);
            }
            if (match) {
                return true;
            }
        }
        return false;
    }

    /** A server certificate for {@code names}, signed by this authority. */
    X509Certificate issueServer(KeyPair serverKeys, List<GeneralName> names) throws GeneralSecurityException, IOException {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(SERVER_VALIDITY)),
                new X500Name("CN=Openbell doorbell"), serverKeys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(certificate));
        builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(serverKeys.getPublic()));
        return sign(builder, key);
    }

    X509Certificate certificate() {
        return certificate;
    }

    Path certificateFile() {
        return certificateFile;
    }

    static KeyPair newKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static BigInteger serial() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return new BigInteger(1, bytes);
    }

    private static String safe(String hostName) {
        return hostName == null ? "" : hostName.replaceAll("[^A-Za-z0-9.-]", "");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String pem(X509Certificate cert) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(cert);
        }
        return text.toString();
    }

    private static byte[] pemBody(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    }
}
