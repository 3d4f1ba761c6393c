package org.openbell.agent.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x509.GeneralName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's TLS key and certificate, kept in a PKCS#12 keystore that both the HTTPS server and
 * the embedded broker's secure WebSocket listener use.
 *
 * <p>Either a keystore the operator configured, or one kept in the state directory: an ECDSA
 * P-256 certificate issued by the doorbell's own {@link LocalAuthority}, whose subject alternative
 * names cover {@code localhost}, the host name and every home-network address of the machine. A
 * phone that accepts it once keeps trusting it; a phone that installs the authority
 * ({@code authorityCertificate}, served at {@code /ca.crt}) trusts it without a warning. It is
 * issued again (same authority) when the machine's names or addresses change or it nears its end.
 */
public record TlsIdentity(Path keystore, char[] password, java.util.Optional<Path> authorityCertificate) {

    public TlsIdentity(Path keystore, char[] password) {
        this(keystore, password, java.util.Optional.empty());
    }

    private static final Logger log = LoggerFactory.getLogger(TlsIdentity.class);
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
            Files.createDirectories(dir);
            String host = hostName();
            LocalAuthority authority = LocalAuthority.loadOrCreate(dir, host);
            List<GeneralName> names = subjectAltNames().stream().filter(TlsIdentity::permitted).toList();
            if (Files.exists(keystore) && Files.exists(passwordFile)) {
                TlsIdentity identity = new TlsIdentity(keystore,
                        Files.readString(passwordFile, StandardCharsets.UTF_8).trim().toCharArray(), java.util.Optional.of(authority.certificateFile()));
                Optional<String> stale = identity.staleBecause(authority, names); // loads it: an unreadable one fails here
                if (stale.isEmpty()) {
                    return identity;
                }
                log.info("The TLS certificate is issued again: {}", stale.get());
            }
            char[] password = HexFormat.of().formatHex(randomBytes(16)).toCharArray();
            KeyPair keys = LocalAuthority.newKeys();
            X509Certificate server = authority.issueServer(keys, names);
            byte[] p12 = keystoreOf(password, keys, new X509Certificate[] {server, authority.certificate()});
            writePrivate(passwordFile, new String(password).getBytes(StandardCharsets.UTF_8));
            writePrivate(keystore, p12);
            log.info("Issued the doorbell's TLS certificate in {} (phones accept it once, or install {} to trust it)",
                    keystore, authority.certificateFile());
            return new TlsIdentity(keystore, password, java.util.Optional.of(authority.certificateFile()));
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
                for (java.security.cert.Certificate c : chain == null ? new java.security.cert.Certificate[0] : chain) {
                    anchors.setCertificateEntry("self-" + i++, c);
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

    /** Why the stored certificate must be issued again (another authority, other names, near its end); empty if it is fine. */
    private Optional<String> staleBecause(LocalAuthority authority, List<GeneralName> names) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, password);
        }
        java.security.cert.Certificate[] chain = ks.getCertificateChain(ALIAS);
        if (chain == null || chain.length == 0) {
            return Optional.of("no certificate under " + ALIAS);
        }
        X509Certificate server = (X509Certificate) chain[0];
        try {
            server.verify(authority.certificate().getPublicKey());
        } catch (GeneralSecurityException e) {
            return Optional.of("it was not issued by the doorbell's certificate authority (a self-signed one from an older version)");
        }
        if (server.getNotAfter().toInstant().isBefore(Instant.now().plus(Duration.ofDays(30)))) {
            return Optional.of("it ends on " + server.getNotAfter().toInstant());
        }
        Set<String> have = new java.util.TreeSet<>();
        if (server.getSubjectAlternativeNames() != null) {
            server.getSubjectAlternativeNames().forEach(n -> have.add(n.get(0) + ":" + normalised(String.valueOf(n.get(1)))));
        }
        Set<String> want = new java.util.TreeSet<>();
        for (GeneralName n : names) {
            want.add(n.getTagNo() + ":" + normalised(n.getTagNo() == GeneralName.iPAddress ? ipText(n) : n.getName().toString()));
        }
        return have.equals(want) ? Optional.empty() : Optional.of("this machine's names or addresses changed (" + want + ")");
    }

    private static String ipText(GeneralName n) {
        byte[] raw = org.bouncycastle.asn1.DEROctetString.getInstance(n.getName()).getOctets();
        try {
            return InetAddress.getByAddress(raw).getHostAddress();
        } catch (IOException e) {
            return HexFormat.of().formatHex(raw);
        }
    }

    private static String normalised(String name) {
        try {
            if (name.contains(":") || name.matches("[0-9.]+")) {
                return InetAddress.getByName(name).getHostAddress();
            }
        } catch (IOException e) {
            // a DNS name
        }
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    /** The home-network names and addresses only: the authority may vouch for nothing else. */
    private static boolean permitted(GeneralName name) {
        if (name.getTagNo() != GeneralName.iPAddress) {
            return true;
        }
        try {
            return LocalAuthority.permits(InetAddress.getByName(ipText(name)));
        } catch (IOException e) {
            return false;
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "doorbell";
        }
    }

    static byte[] keystoreOf(char[] password, KeyPair keys, X509Certificate[] chain) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        // The key's password lies next to the keystore (both mode 600): PBKDF2 iterations would
        // protect nothing and cost ~20 ms at every load on a Pi-class CPU (the web server and the
        // embedded broker each load it at start-up). One iteration; the file mode is the protection.
        ks.setEntry(ALIAS, new KeyStore.PrivateKeyEntry(keys.getPrivate(), chain),
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
