package org.openbell.signaling.mqtt;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertPathValidatorException;
import javax.net.ssl.SSLException;

/** Says in plain words why a TLS connection to the broker was refused (for the log line an operator reads). */
final class TlsProblems {

    private TlsProblems() {
    }

    /** The reason, or null when {@code failure} is not a TLS problem. */
    static String explain(Throwable failure) {
        SSLException ssl = null;
        for (Throwable t = failure; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return "TLS refused: the broker's certificate has expired (" + t.getMessage() + ")";
            }
            if (t instanceof CertificateNotYetValidException) {
                return "TLS refused: the broker's certificate is not valid yet (is this device's clock right?)";
            }
            if (t instanceof CertPathValidatorException e && e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                return "TLS refused: the broker's certificate has expired";
            }
            if (t instanceof SSLException e && ssl == null) {
                ssl = e;
            }
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (m.contains("No subject alternative") || m.contains("No name matching") || m.contains("doesn't match")) {
                return "TLS refused: the broker's certificate does not name the host connected to (" + m + ")";
            }
            if (m.contains("PKIX path building failed") || m.contains("unable to find valid certification path")) {
                return "TLS refused: the broker's certificate is not signed by a trusted authority (check mqtt.caFile)";
            }
        }
        return ssl == null ? null : "TLS refused: " + ssl.getMessage();
    }
}
