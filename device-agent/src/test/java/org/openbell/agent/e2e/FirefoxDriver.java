package org.openbell.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's Firefox ESR for tests, driven by the node scripts in {@code device-agent/firefox-driver}
 * (puppeteer-core over WebDriver BiDi, installed by the Maven build), with a profile that trusts a
 * certificate authority as a phone whose owner installed it.
 */
public final class FirefoxDriver {

    public static final Path FIREFOX = Path.of("/usr/bin/firefox-esr");
    public static final Path SCRIPTS = Path.of("firefox-driver").toAbsolutePath();

    private FirefoxDriver() {
    }

    /** Fails with what to do when Firefox or the driver's npm packages are missing. */
    public static void requireInstalled() {
        assertTrue(Files.isExecutable(FIREFOX), "Firefox ESR not found at " + FIREFOX + ": scripts/test installs firefox-esr");
        assertTrue(Files.isDirectory(SCRIPTS.resolve("node_modules/puppeteer-core")),
                "firefox-driver has no node_modules: run the Maven build with tests (it runs npm ci there)");
    }

    /** A new profile folder whose certificate store trusts {@code caPem}. */
    public static Path profileTrusting(Path dir, Path caPem) throws IOException {
        Path profile = Files.createDirectories(dir);
        Nss.trust(profile, caPem);
        return profile;
    }

    /** Starts {@code node <script> args...}, after {@code prefix} (e.g. {@code ip netns exec ns}); stderr to the test's. */
    public static Process start(List<String> prefix, String script, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add("node");
        command.add(SCRIPTS.resolve(script).toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("PUPPETEER_SKIP_DOWNLOAD", "1");
        return builder.start();
    }

    /** NSS certificate stores (Chromium's {@code ~/.pki/nssdb}, a Firefox profile), made with certutil. */
    public static final class Nss {
        private Nss() {
        }

        /** Creates the store in {@code dir} (empty password) and trusts {@code caPem} for TLS servers. */
        public static void trust(Path dir, Path caPem) throws IOException {
            run("certutil", "-N", "-d", "sql:" + dir, "--empty-password");
            run("certutil", "-A", "-d", "sql:" + dir, "-n", "openbell-doorbell", "-t", "C,,", "-i", caPem.toString());
        }

        private static void run(String... command) throws IOException {
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " failed: " + out
                            + " (certutil is in Debian's libnss3-tools; scripts/test installs it)");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
