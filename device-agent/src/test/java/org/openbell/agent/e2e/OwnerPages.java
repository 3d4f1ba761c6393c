package org.openbell.agent.e2e;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import org.openbell.agent.Agent;

/** The owner page as the end-to-end tests open it: a phone-sized page of the agent's app, online. */
final class OwnerPages {

    static final double WAIT_MS = 20_000;

    private OwnerPages() {
    }

    /** Owner {@code owner}'s page on {@code agent}, once it shows the doorbell online. */
    static Page open(Chromium chromium, Agent agent, String owner) {
        Page page = chromium.phone(owner);
        page.navigate("https://127.0.0.1:" + agent.webPort() + "/?owner=" + owner);
        page.waitForSelector("#presence[data-state=online]", new Page.WaitForSelectorOptions().setTimeout(WAIT_MS));
        return page;
    }

    /** {@code selector} once it is visible. */
    static Locator visible(Page page, String selector) {
        Locator locator = page.locator(selector);
        locator.waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE).setTimeout(WAIT_MS));
        return locator;
    }
}
