package org.openbell.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.Closing;
import org.openbell.agent.TestAgents;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * Issue 14, "a picture of who rang", end to end: real Mosquitto, the agent with its real media
 * worker (the test pattern camera), the owner page in headless Chromium at a phone's size. The
 * press opens the camera; the picture is on the ringing screen and in the history, still there
 * after the agent restarts (read back from its state folder over MQTT), and deleting the visit
 * deletes the picture on the doorbell.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class RingPictureEndToEndTest {

    private static final double WAIT_MS = 20_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path state;

    @Test
    void thePictureOfWhoRangIsOnTheRingingScreenAndInTheHistoryAfterARestartUntilDeleted() throws Exception {
        MosquittoBroker broker = MosquittoBroker.start();
        Chromium chromium = Chromium.launch();
        Agent agent = Agent.start(TestAgents.config(broker.tcpUri(), broker.webSocketUri(), state, Duration.ofSeconds(30)));
        try {
            Page alice = ownerPage(chromium, agent, "alice");
            waitForSpareWorker(agent);
            ((SimulatedBoard) agent.board()).press();
            String ringId = visible(alice, "#ring-screen").getAttribute("data-ring-id");
            Locator picture = visible(alice, "#ring-picture");
            assertEquals(640, ((Number) picture.evaluate("img => img.naturalWidth")).intValue(), "the camera's picture, decoded");
            // It comes ~0.2 s after the ring: it must not move the buttons under the owner's finger.
            var withPicture = alice.locator("#answer").boundingBox();
            alice.evaluate("() => { document.getElementById('ring-picture').hidden = true; }");
            var withoutPicture = alice.locator("#answer").boundingBox();
            alice.evaluate("() => { document.getElementById('ring-picture').hidden = false; }");
            assertEquals(withoutPicture.y, withPicture.y, 0.5, "Answer stays where it was when the picture arrives");
            assertEquals(withoutPicture.x, withPicture.x, 0.5);
            alice.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/ringing-with-picture.png")));
            JsonNode status = JSON.readTree((String) alice.evaluate("async () => (await fetch('/api/status')).text()"));
            assertEquals(ringId, status.at("/lastRingPicture/ringId").asText(), status.toString());
            assertTrue(status.at("/lastRingPicture/thumbnailBytes").asInt() > 0, "a thumbnail for pushes: " + status);

            alice.locator("#decline").click();
            String entry = "#history li[data-ring-id='" + ringId + "']";
            visible(alice, entry + "[data-outcome=declined]");
            visible(alice, entry + " img.visit-picture");
            alice.context().close();
            assertTrue(Files.exists(state.resolve("pictures").resolve(ringId + ".jpg")), "kept with the visit");

            agent.close();
            agent = Agent.start(TestAgents.config(broker.tcpUri(), broker.webSocketUri(), state, Duration.ofSeconds(30)));
            Page bob = ownerPage(chromium, agent, "bob"); // another phone, after the restart: it asks for the picture
            Locator kept = visible(bob, entry + " img.visit-picture");
            assertEquals(640, ((Number) kept.evaluate("img => img.naturalWidth")).intValue());
            bob.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/history-with-pictures.png")));

            bob.locator(entry + " .delete-visit").click();
            bob.locator(entry).waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.DETACHED).setTimeout(WAIT_MS));
            Path jpg = state.resolve("pictures").resolve(ringId + ".jpg");
            for (int i = 0; i < 50 && Files.exists(jpg); i++) {
                Thread.sleep(100);
            }
            assertFalse(Files.exists(jpg), "deleting the visit deletes its picture");
            assertFalse(Files.exists(state.resolve("pictures").resolve(ringId + ".json")));
            bob.context().close();
        } finally {
            Closing.all(chromium, agent, broker);
        }
    }

    private static void waitForSpareWorker(Agent agent) throws InterruptedException {
        for (int i = 0; i < 200 && !agent.calls().workerReady(); i++) {
            Thread.sleep(100);
        }
        assertTrue(agent.calls().workerReady(), "a warm media worker");
    }

    private static Page ownerPage(Chromium chromium, Agent agent, String owner) {
        return OwnerPages.open(chromium, agent, owner);
    }

    private static Locator visible(Page page, String selector) {
        return OwnerPages.visible(page, selector);
    }
}
