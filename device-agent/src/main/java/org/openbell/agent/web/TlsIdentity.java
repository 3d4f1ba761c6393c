package org.openbell.agent.web;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's TLS key and certificate, kept in a PKCS#12 keystore that both the HTTPS server and
 * the embedded broker's secure WebSocket listener use.
 *
 * <p>Either a keystore the operator configured, or one generated once and kept in the state
 * directory: a self-signed ECDSA P-256 certificate whose subject alternative names cover
 * {@code localhost}, the host name and every address of the machine, so a phone on the LAN that
 * accepts it once keeps trusting it across restarts.
 */
public record TlsIdentity(Path keystore, char[] password) {

    private static final Logger log = LoggerFactory.getLogger(TlsIdentity.class);
    private static final Duration VALIDITY = Duration.ofDays(3650);
    static final String ALIAS = "openbell";

    /** Loads a configured keystore, or generates one under {@code stateDir/tls} if there is none yet. */
    public static TlsIdentity loadOrGenerate(Path configuredKeystore, String configuredPassword, Path stateDir) {
        if (configuredKeystore != null) {
            TlsIdentity identity = new TlsIdentity(configuredKeystore, configuredPassword.toCharArray());
            identity.sslContext(); // fail now, with the path in the message, if it cannot be read
            return identity;
        }
        Path dir = stateDir.resolve("tls");
        Path keystore = dir.resolve("agent.p12");
        Path passwordFile = dir.resolve("agent.p12.password");
        try {
            if (Files.exists(keystore) && Files.exists(passwordFile)) {
                TlsIdentity identity = new TlsIdentity(keystore,
                        Files.readString(passwordFile, StandardCharsets.UTF_8).trim().toCharArray());
                identity.sslContext();
                return identity;
            }
            Files.createDirectories(dir);
            char[] password = HexFormat.of().formatHex(randomBytes(16)).toCharArray();
            writePrivate(passwordFile, new String(password).getBytes(StandardCharsets.UTF_8));
            byte[] p12 = generateSelfSigned(password, subjectAltNames());
            writePrivate(keystore, p12);
            log.info("Generated a self-signed TLS certificate in {} (phones must accept it once)", keystore);
            return new TlsIdentity(keystore, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the TLS certificate in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** An SSL context serving this identity. */
    public SSLContext sslContext() {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the TLS keystore " + keystore + ": " + e.getMessage(), e);
        }
    }

    /** A client context that trusts exactly this identity's certificate (the agent reaching its own embedded broker). */
    public SSLContext trustingItself() {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            int i = 0;
            for (String alias : java.util.Collections.list(ks.aliases())) {
                java.security.cert.Certificate[] chain = ks.getCertificateChain(alias);
                if (chain != null && chain.length > 0) {
                    anchors.setCertificateEntry("self-" + i++, chain[0]);
                }
            }
            javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the TLS keystore " + keystore + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TlsIdentity[" + keystore + "]";
    }

    static byte[] generateSelfSigned(char[] password, List<GeneralName> names) throws GeneralSecurityException, IOException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=Openbell doorbell");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(1, randomBytes(16)), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(names.toArray(GeneralName[]::new)));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        X509Certificate certificate;
        try {
            certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        // The key's password lies next to the keystore (both mode 600): PBKDF2 iterations would
        // protect nothing and cost ~20 ms at every load on a Pi-class CPU (the web server and the
        // embedded broker each load it at start-up). One iteration; the file mode is the protection.
        ks.setEntry(ALIAS, new KeyStore.PrivateKeyEntry(pair.getPrivate(), new X509Certificate[] {certificate}),
                new KeyStore.PasswordProtection(password, "PBEWithHmacSHA256AndAES_256",
                        new javax.crypto.spec.PBEParameterSpec(randomBytes(16), 1)));
        var out = new java.io.ByteArrayOutputStream();
        ks.store(out, password);
        return out.toByteArray();
    }

    static List<GeneralName> subjectAltNames() {
        Set<String> dns = new LinkedHashSet<>(List.of("localhost"));
        Set<String> ips = new LinkedHashSet<>(List.of("127.0.0.1", "::1"));
        try {
            String host = InetAddress.getLocalHost().getHostName();
            dns.add(host);
            if (!host.contains(".")) {
                dns.add(host + ".local");
            }
        } catch (IOException e) {
            log.debug("no host name for the certificate: {}", e.toString());
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    String text = address.getHostAddress();
                    int zone = text.indexOf('%');
                    ips.add(zone < 0 ? text : text.substring(0, zone));
                }
            }
        } catch (SocketException e) {
            log.debug("cannot list network interfaces for the certificate: {}", e.toString());
        }
        List<GeneralName> names = new ArrayList<>();
        dns.forEach(name -> names.add(new GeneralName(GeneralName.dNSName, name)));
        ips.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        return names;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    /** Writes owner-only, atomically and flushed to disk: a crash or power cut leaves the old file or the new one. */
    private static void writePrivate(Path target, byte[] content) throws IOException {
        org.openbell.signaling.access.AtomicFiles.write(target, content, true);
    }
}
