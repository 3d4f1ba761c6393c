package org.openbell.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.Closing;
import org.openbell.agent.TestAgents;
import org.openbell.hardware.Boards;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * Issue 11, defect 5: clocks that disagree. A phone whose clock runs ahead dropped every ring as
 * expired; a doorbell whose clock is behind (a Raspberry Pi before NTP answers) rang nobody. The
 * owner app now judges a ring's life by the Message Expiry Interval it arrived with, on its own clock.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class ClockSkewEndToEndTest {

    @TempDir
    Path state;
    MosquittoBroker broker;
    Agent agent;
    Chromium chromium;

    @AfterEach
    void stop() throws Exception {
        Closing.all(chromium, agent, broker);
    }

    private void start(Clock deviceClock) {
        broker = MosquittoBroker.start();
        agent = Agent.start(TestAgents.config(broker.tcpUri(), broker.webSocketUri(), state, Duration.ofSeconds(30)),
                Boards::open, deviceClock);
        chromium = Chromium.launch();
    }

    /** An owner page whose clock ({@code Date}) is {@code skewMs} off. */
    private Page ownerPage(String owner, long skewMs) {
        Page page = chromium.phone(owner);
        page.addInitScript("""
                (() => {
                  const skew = %d;
                  const RealDate = Date;
                  class SkewedDate extends RealDate {
                    constructor(...args) { if (args.length === 0) { super(RealDate.now() + skew); } else { super(...args); } }
                    static now() { return RealDate.now() + skew; }
                  }
                  globalThis.Date = SkewedDate;
                })();
                """.formatted(skewMs));
        page.navigate("https://127.0.0.1:" + agent.webPort() + "/?owner=" + owner);
        page.waitForSelector("#presence[data-state=online]", new Page.WaitForSelectorOptions().setTimeout(20_000));
        return page;
    }

    private static Locator visible(Page page, String selector) {
        Locator locator = page.locator(selector);
        locator.waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE).setTimeout(20_000));
        return locator;
    }

    private void pressAndAnswer(Page ringing, Page... alsoRinging) {
        ((SimulatedBoard) agent.board()).press();
        visible(ringing, "#ring-screen");
        for (Page other : alsoRinging) {
            visible(other, "#ring-screen");
        }
        ringing.locator("#answer").click();
        visible(ringing, "#ring-result[data-outcome=answered-by-me]");
        assertEquals("ANSWERED", agent.ring().snapshot().lastEnded().orElseThrow().outcome().name());
    }

    @Test
    void phonesTwoMinutesAheadAndBehindRing() {
        start(Clock.systemUTC());
        Page ahead = ownerPage("ahead", 120_000);
        Page behind = ownerPage("behind", -120_000);
        pressAndAnswer(ahead, behind);
        ahead.context().close();
        behind.context().close();
    }

    @Test
    void aDoorbellWhoseClockIsTwoDaysBehindRingsPhones() {
        start(Clock.offset(Clock.systemUTC(), Duration.ofDays(-2)));
        Page phone = ownerPage("phone", 0);
        pressAndAnswer(phone);
        phone.context().close();
    }
}
