package org.openbell.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.ColorScheme;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openbell.agent.Agent;
import org.openbell.agent.Closing;
import org.openbell.agent.TestAgents;
import org.openbell.agent.ring.RingState;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * Issue 12: the owner app's screens on phone sizes (390x844, 360x740, landscape 844x390), light
 * and dark: nothing cut off sideways, nothing unreachable in an overlay, every button at least
 * 44x44 px, and text at a contrast of at least 4.5:1 (3:1 for large text) against what is behind
 * it. Screenshots go to target/screenshots/screens-*.png.
 */
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class ScreensTest {

    @TempDir
    static Path state;
    static MosquittoBroker broker;
    static Agent agent;
    static Chromium chromium;

    /** Problems on the current screen, one line each (empty: none). Runs in the page. */
    static final String CHECK = """
            () => {
              const problems = [];
              const visible = (e) => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
                return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && !e.closest('[hidden]'); };
              const name = (e) => e.id ? '#' + e.id : e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' "' + (e.textContent || '').trim().slice(0, 30) + '"';
              if (document.scrollingElement.scrollWidth > innerWidth + 1) problems.push('the page scrolls sideways: ' + document.scrollingElement.scrollWidth + ' > ' + innerWidth);
              for (const e of document.querySelectorAll('button, input, select, [role=button]')) {
                if (!visible(e)) continue;
                const r = e.getBoundingClientRect();
                if (r.height < 44 || r.width < 44) problems.push('tap target ' + name(e) + ' is ' + Math.round(r.width) + 'x' + Math.round(r.height));
                const overlay = e.closest('#pair-screen, #ring-screen, #call-screen');
                const reachable = overlay ? (overlay.scrollHeight <= overlay.clientHeight || getComputedStyle(overlay).overflowY === 'auto')
                    : true;
                if (r.left < 0 || r.right > innerWidth + 1 || !reachable) problems.push(name(e) + ' is cut off');
              }
              const lum = (c) => { const v = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map((x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
                return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
              const alpha = (c) => { const m = c.match(/[\\d.]+/g); return m.length > 3 ? Number(m[3]) : 1; };
              const background = (e) => { for (let n = e; n; n = n.parentElement) { const b = getComputedStyle(n).backgroundColor; if (alpha(b) > 0.5) return b; }
                return matchMedia('(prefers-color-scheme: dark)').matches ? 'rgb(0,0,0)' : 'rgb(255,255,255)'; };
              const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              const seen = new Set();
              for (let t = walker.nextNode(); t; t = walker.nextNode()) {
                const e = t.parentElement;
                if (!t.textContent.trim() || seen.has(e) || !visible(e) || e.closest('video, svg')) continue;
                seen.add(e);
                const s = getComputedStyle(e);
                const a = lum(s.color), b = lum(background(e));
                const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
                const size = parseFloat(s.fontSize), bold = Number(s.fontWeight) >= 700;
                const large = size >= 24 || (bold && size >= 18.66);
                const opacity = Number(s.opacity);
                if (ratio < (large ? 3 : 4.5) && opacity > 0.5) problems.push('contrast ' + ratio.toFixed(1) + ':1 for ' + name(e));
              }
              return problems;
            }""";

    @BeforeAll
    static void start() {
        broker = MosquittoBroker.start();
        // A door strike and a motion sensor wired (issue 15): the screens show what they add.
        agent = Agent.start(org.openbell.agent.config.ConfigLoader.parse("""
                device: {id: front-door, name: Front door}
                hardware: {mode: simulated, button: {debounce: 5ms, lockout: 300ms}, chime: {duration: 200ms},
                           strike: {pin: 23, pulse: 1s}, pir: {pin: 24}}
                ring: {timeout: 60s}
                mqtt: {broker: "%s", webSocketUrl: "%s", reconnectMin: 100ms, reconnectMax: 1s, keepAlive: 5s}
                web: {bind: 127.0.0.1, port: 0}
                stateDir: "%s"
                """.formatted(broker.tcpUri(), broker.webSocketUri(), state), "screens test config"));
        chromium = Chromium.launch();
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.all(chromium, agent, broker);
    }

    @ParameterizedTest(name = "{0}x{1} {2}")
    @CsvSource({"390, 844, LIGHT", "390, 844, DARK", "360, 740, LIGHT", "360, 740, DARK", "844, 390, LIGHT", "844, 390, DARK"})
    void everyScreenFitsCanBeTappedAndCanBeRead(int width, int height, ColorScheme scheme) throws Exception {
        Browser browser = chromium.browser();
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setIgnoreHTTPSErrors(true)
                .setViewportSize(width, height).setHasTouch(true).setIsMobile(true).setColorScheme(scheme))) {
            Page page = context.newPage();
            String base = "https://127.0.0.1:" + agent.webPort();
            String label = width + "x" + height + "-" + scheme.name().toLowerCase();
            Files.createDirectories(Path.of("target/screenshots"));

            page.navigate(base + "/?owner=screens");
            page.waitForSelector("#presence[data-state=online]", new Page.WaitForSelectorOptions().setTimeout(20_000));
            page.waitForSelector("#ring-replies:not(:empty)", new Page.WaitForSelectorOptions().setTimeout(20_000)
                    .setState(com.microsoft.playwright.options.WaitForSelectorState.ATTACHED)); // the doorbell's capabilities came
            // A motion (issue 15; this doorbell has no PIR, so shown by hand) and the quiet-notice choice.
            page.evaluate("() => { const n = document.getElementById('motion-note'); n.hidden = false;"
                    + " n.textContent = 'Someone is at the door (motion at 10:42). Nobody has rung.';"
                    + " document.getElementById('push').hidden = false; }");
            assertTrue(page.locator("#motion-alerts").isVisible(), "a motion sensor is wired: the quiet notice is offered");
            check(page, "idle " + label);
            page.evaluate("() => { document.getElementById('motion-note').hidden = true; }");

            ((SimulatedBoard) agent.board()).press();
            page.waitForSelector("#ring-screen:not([hidden])", new Page.WaitForSelectorOptions().setTimeout(20_000));
            check(page, "ringing " + label);
            // A quick reply picked on the ringing screen (issue 15): this doorbell has no speaker, and says so.
            page.locator("#ring-replies button[data-reply-id=leave-at-door]").click();
            page.waitForSelector("#ring-reply-note:has-text('no speaker')", new Page.WaitForSelectorOptions().setTimeout(10_000));
            check(page, "ringing-replied " + label);
            page.locator("#decline").click();
            page.waitForSelector("#ring-result:not([hidden])", new Page.WaitForSelectorOptions().setTimeout(20_000));
            check(page, "declined " + label);
            for (int i = 0; i < 100 && agent.ring().snapshot().state() != RingState.IDLE; i++) {
                Thread.sleep(50);
            }

            // The call screen with the door strike's button (issue 15), shown by hand: no call here.
            page.evaluate("() => { document.getElementById('call-screen').hidden = false; document.getElementById('open-door').hidden = false;"
                    + " document.getElementById('door-note').textContent = 'Door opened.';"
                    + " document.getElementById('call-reply-note').textContent = 'Playing at the door: “I’m coming”'; }");
            check(page, "call-with-door " + label);
            // Opening the door for real (after the confirmation): the opening joins the visit history.
            page.onceDialog(dialog -> dialog.accept());
            page.locator("#open-door").click();
            page.waitForSelector("#door-note:has-text('Door opened')", new Page.WaitForSelectorOptions().setTimeout(10_000));
            page.evaluate("() => { document.getElementById('call-screen').hidden = true; }");
            page.waitForSelector("#history li.door-opening:has-text('Door opened by you')", new Page.WaitForSelectorOptions().setTimeout(10_000));
            check(page, "history-with-door " + label);
            Thread.sleep(3100); // past the strike's pulse + 2 s, for the next size's opening

            // The pairing screen, as a phone that must pair sees it (shown by hand: this doorbell's broker is open).
            page.evaluate("() => { document.getElementById('pair-screen').hidden = false; document.getElementById('pair-button-box').hidden = false; }");
            check(page, "pairing " + label);
        }
    }

    private static void check(Page page, String screen) {
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/screens-" + screen.replace(' ', '-') + ".png")));
        @SuppressWarnings("unchecked")
        List<String> problems = (List<String>) page.evaluate(CHECK);
        assertEquals(List.of(), problems, screen);
    }
}
