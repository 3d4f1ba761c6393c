package org.openbell.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.Closing;
import org.openbell.agent.TestAgents;
import org.openbell.agent.ring.RingState;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * The owner's side, end to end: the page served by the agent, in real headless Chromium,
 * connected over WebSockets to a real Mosquitto; the button is the Pi4J mock board.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class OwnerPageEndToEndTest {

    private static final double WAIT_MS = 20_000;

    @TempDir
    static Path state;
    static MosquittoBroker broker;
    static Agent agent;
    static Chromium chromium;

    @BeforeAll
    static void start() {
        broker = MosquittoBroker.start();
        agent = Agent.start(TestAgents.config(broker.tcpUri(), broker.webSocketUri(), state, Duration.ofSeconds(30)));
        chromium = Chromium.launch();
    }

    @AfterAll
    static void stop() throws Exception {
        Closing.all(chromium, agent, broker);
    }

    @AfterEach
    void endAnyRing() throws Exception {
        // Each test starts idle: wait out a ring a failed test may have left.
        for (int i = 0; i < 100 && agent.ring().snapshot().state() != RingState.IDLE; i++) {
            Thread.sleep(100);
        }
    }

    private Page ownerPage(String owner) {
        return OwnerPages.open(chromium, agent, owner);
    }

    private static Locator visible(Page page, String selector) {
        return OwnerPages.visible(page, selector);
    }

    private void press() {
        ((SimulatedBoard) agent.board()).press();
    }

    @Test
    void aButtonPressRingsThePageAndAnswerReachesTheAgent() throws Exception {
        Page alice = ownerPage("alice");
        press();
        Locator ring = visible(alice, "#ring-screen");
        String ringId = ring.getAttribute("data-ring-id");
        assertEquals(agent.ring().snapshot().ringId().orElseThrow(), ringId, "the page shows the agent's current ring");
        assertTrue(visible(alice, "#ring-time").textContent().matches(".*\\d{1,2}:\\d{2}.*"), "the ring shows its time");

        alice.locator("#answer").click();
        visible(alice, "#ring-result[data-outcome=answered-by-me]");
        JsonNode status = status(alice);
        assertEquals("answered", status.at("/lastRing/outcome").asText());
        assertEquals("alice", status.at("/lastRing/by").asText());
        assertEquals(ringId, status.at("/lastRing/ringId").asText());
        alice.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/answered.png")));
        alice.context().close();
    }

    @Test
    void withTwoOwnersTheOtherSeesAnsweredByAnotherOwner() {
        Page alice = ownerPage("alice");
        Page bob = ownerPage("bob");
        press();
        visible(alice, "#ring-screen");
        visible(bob, "#ring-screen");
        bob.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/ringing.png")));

        alice.locator("#answer").click();
        visible(alice, "#ring-result[data-outcome=answered-by-me]");
        Locator result = visible(bob, "#ring-result[data-outcome=answered-by-other]");
        assertTrue(result.textContent().contains("another owner"), result.textContent());
        assertTrue(bob.locator("#ring-screen").isHidden(), "bob's ringing screen closes");
        bob.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/answered-by-other.png")));
        alice.context().close();
        bob.context().close();
    }

    /**
     * Issue 14: the history is the doorbell's: a page opened after the ring lists it, with its
     * outcome, and an owner deletes it for everyone.
     */
    @Test
    void theVisitHistoryIsTheDoorbellsAndAnOwnerCanDeleteFromIt() {
        Page dave = ownerPage("dave");
        press();
        String ringId = visible(dave, "#ring-screen").getAttribute("data-ring-id");
        dave.locator("#decline").click();
        String entry = "#history li[data-ring-id='" + ringId + "']";
        assertTrue(visible(dave, entry + "[data-outcome=declined]").textContent().contains("You declined"));
        dave.context().close();

        Page erin = ownerPage("erin"); // another phone, opened after the ring: it never saw it
        assertTrue(visible(erin, entry).textContent().contains("Declined by dave"), erin.locator(entry).textContent());
        erin.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/history.png")));
        erin.locator(entry + " .delete-visit").click();
        erin.locator(entry).waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.DETACHED).setTimeout(WAIT_MS));
        assertTrue(agent.history().visits().stream().noneMatch(v -> v.ringId().equals(ringId)), "deleted on the doorbell");
        erin.context().close();
    }

    @Test
    void declineFromThePageEndsTheRing() {
        Page carol = ownerPage("carol");
        press();
        visible(carol, "#ring-screen");
        carol.locator("#decline").click();
        visible(carol, "#ring-result[data-outcome=declined]");
        assertEquals("DECLINED", lastOutcome().toUpperCase(java.util.Locale.ROOT));
        carol.context().close();
    }

    @Test
    void aTabFrozenDuringThePressRingsWhenItWakesWhileTheRingLasts() throws Exception {
        Page erin = ownerPage("erin");
        var devtools = erin.context().newCDPSession(erin);
        devtools.send("Page.setWebLifecycleState", new com.google.gson.JsonParser().parse("{\"state\":\"frozen\"}").getAsJsonObject());
        press();
        for (int i = 0; i < 50 && agent.ring().snapshot().ringId().isEmpty(); i++) {
            Thread.sleep(20);
        }
        String ringId = agent.ring().snapshot().ringId().orElseThrow();
        Thread.sleep(20_000);
        devtools.send("Page.setWebLifecycleState", new com.google.gson.JsonParser().parse("{\"state\":\"active\"}").getAsJsonObject());
        Locator ring = visible(erin, "#ring-screen");
        assertEquals(ringId, ring.getAttribute("data-ring-id"), "the woken tab shows the ring still ringing");
        erin.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/woken-tab.png")));
        erin.locator("#answer").click();
        visible(erin, "#ring-result[data-outcome=answered-by-me]");
        erin.context().close();
    }

    @Test
    void theDemoPageButtonRingsOwners() {
        Page dave = ownerPage("dave");
        Page demo = chromium.phone("demo");
        demo.navigate("https://127.0.0.1:" + agent.webPort() + "/demo");
        demo.locator("#press").click();
        visible(dave, "#ring-screen");
        dave.locator("#answer").click();
        visible(dave, "#ring-result[data-outcome=answered-by-me]");
        dave.context().close();
        demo.context().close();
    }

    private String lastOutcome() {
        return agent.ring().snapshot().lastEnded().orElseThrow().outcome().name();
    }

    private static JsonNode status(Page page) throws Exception {
        String body = page.evaluate("async () => JSON.stringify(await (await fetch('/api/status')).json())").toString();
        return new ObjectMapper().readTree(body);
    }
}
