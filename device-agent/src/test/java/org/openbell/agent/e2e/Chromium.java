package org.openbell.agent.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debian's headless Chromium driven by Playwright, standing in for an owner's phone. Each
 * {@link #phone} is a fresh browser context (its own storage) sized like a phone.
 */
public final class Chromium implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Chromium.class);
    public static final Path EXECUTABLE = Path.of(System.getProperty("openbell.chromium", "/usr/bin/chromium"));

    private final Playwright playwright;
    private final Browser browser;

    private Chromium(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    public static Chromium launch() {
        return launch(EXECUTABLE, List.of(), Map.of());
    }

    /** Chromium on this machine with extra command-line switches. */
    public static Chromium launchWith(String... extraArgs) {
        return launch(EXECUTABLE, List.of(extraArgs), Map.of());
    }

    /**
     * Chromium that trusts the certificate authority in {@code caPem} as a phone does once its owner
     * installed it: in an NSS database of its own ({@code $HOME/.pki/nssdb}, made with certutil),
     * no flag that ignores certificate errors. Use {@link #strictPhone} for pages.
     */
    public static Chromium launchTrusting(Path caPem, String... extraArgs) {
        try {
            Path home = Files.createTempDirectory("chromium-home-");
            Path db = Files.createDirectories(home.resolve(".pki/nssdb"));
            FirefoxDriver.Nss.trust(db, caPem);
            return launch(EXECUTABLE, List.of(extraArgs), Map.of("HOME", home.toString()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A phone-sized page that checks certificates as a phone does (no exception accepted). */
    public Page strictPhone(String name) {
        return page(name, false);
    }

    /**
     * Chromium inside a network namespace (through a wrapper script: Playwright talks to it over a
     * pipe, so nothing needs to cross namespaces), with fake camera and microphone and plain-IP
     * ICE candidates.
     */
    public static Chromium launchInNamespace(String namespace, String... extraArgs) {
        try {
            Path wrapper = Files.createTempFile("chromium-in-" + namespace + "-", ".sh");
            Files.writeString(wrapper, "#!/bin/sh\nexec ip netns exec " + namespace + " " + EXECUTABLE + " \"$@\"\n");
            wrapper.toFile().setExecutable(true);
            wrapper.toFile().deleteOnExit();
            return launch(wrapper, Stream.concat(Stream.of("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                    "--disable-features=WebRtcHideLocalIpsWithMdns"), Stream.of(extraArgs)).toList(), Map.of());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Chromium launch(Path executable, List<String> extraArgs, Map<String, String> env) {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IllegalStateException("Chromium not found at " + EXECUTABLE
                    + ": run scripts/test (it installs it) or apt-get install chromium");
        }
        Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        try {
            BrowserType.LaunchOptions options = new BrowserType.LaunchOptions();
            if (!env.isEmpty()) {
                Map<String, String> all = new java.util.HashMap<>(System.getenv());
                all.putAll(env);
                options.setEnv(all);
            }
            Browser browser = playwright.chromium().launch(options
                    .setExecutablePath(executable)
                    .setHeadless(true)
                    .setArgs(java.util.stream.Stream.concat(Stream.of("--no-sandbox", "--disable-gpu", "--disable-quic",
                            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                            "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required"), extraArgs.stream()).toList()));
            return new Chromium(playwright, browser);
        } catch (RuntimeException e) {
            playwright.close();
            throw e;
        }
    }

    /** The browser, for tests that make their own contexts (other sizes, colour schemes). */
    public Browser browser() {
        return browser;
    }

    /** A new phone-sized page that trusts the agent's self-signed certificate; console output goes to the test log. */
    public Page phone(String name) {
        return page(name, true);
    }

    private Page page(String name, boolean ignoreHttpsErrors) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                .setIgnoreHTTPSErrors(ignoreHttpsErrors)
                .setViewportSize(390, 844)
                .setHasTouch(true)
                .setIsMobile(true));
        Page page = context.newPage();
        page.onConsoleMessage(m -> log.info("[{} console.{}] {}", name, m.type(), m.text()));
        page.onPageError(e -> log.warn("[{} page error] {}", name, e));
        return page;
    }

    @Override
    public void close() {
        try {
            browser.close();
        } finally {
            playwright.close();
        }
    }
}
