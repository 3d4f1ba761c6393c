package org.openbell.signaling.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS sockets for the broker connection: the JDK's trust store, or only the certificate
 * authorities in a PEM file; TLS 1.2 or newer; Nagle off. (The broker's host name is checked by
 * Paho, with HTTPS rules, because {@link MqttLink} turns that on.)
 */
final class TlsSockets {

    private TlsSockets() {
    }

    /** A socket factory trusting {@code caFile} (PEM, one or more certificates) or, when empty, the JDK's defaults. */
    static SSLSocketFactory factory(Optional<Path> caFile) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caFile.isPresent()) {
                KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
                anchors.load(null, null);
                Collection<? extends Certificate> certificates;
                try (InputStream in = Files.newInputStream(caFile.get())) {
                    certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
                }
                if (certificates.isEmpty()) {
                    throw new IllegalArgumentException("no certificate in CA file " + caFile.get());
                }
                int i = 0;
                for (Certificate c : certificates) {
                    anchors.setCertificateEntry("ca-" + i++, c);
                }
                trust.init(anchors);
            } else {
                trust.init((KeyStore) null);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return new NoDelay(context.getSocketFactory());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read CA file " + caFile.orElse(null) + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use CA file " + caFile.orElse(null) + ": " + e.getMessage(), e);
        }
    }

    /** Delegates, turning Nagle off and TLS 1.0/1.1 off on every socket. */
    private static final class NoDelay extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        NoDelay(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        private Socket tune(Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            if (socket instanceof javax.net.ssl.SSLSocket ssl) {
                ssl.setEnabledProtocols(java.util.Arrays.stream(ssl.getEnabledProtocols())
                        .filter(p -> p.equals("TLSv1.2") || p.equals("TLSv1.3")).toArray(String[]::new));
            }
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return tune(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return tune(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return tune(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return tune(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return tune(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return tune(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
