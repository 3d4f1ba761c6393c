package org.openbell.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.signaling.RingEnded;

/**
 * The demo's default path: no broker configured, so the agent runs HiveMQ CE in-process and the
 * page connects over secure WebSockets with the agent's generated certificate.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedBrokerEndToEndTest {

    @TempDir
    Path state;

    @Test
    void thePageRingsThroughTheEmbeddedBrokerOverSecureWebSockets() throws Exception {
        var config = ConfigLoader.parse("""
                hardware: {mode: simulated, button: {debounce: 5ms}}
                embeddedBroker: {bind: 127.0.0.1, port: %d, webSocketBind: 127.0.0.1, webSocketPort: %d}
                web: {bind: 127.0.0.1, port: 0}
                stateDir: "%s"
                """.formatted(freePort(), freePort(), state), "embedded test config");
        try (Agent agent = Agent.start(config); Chromium chromium = Chromium.launch()) {
            Page page = chromium.phone("erin");
            page.navigate("https://127.0.0.1:" + agent.webPort() + "/?owner=erin");
            page.waitForSelector("#presence[data-state=online]", new Page.WaitForSelectorOptions().setTimeout(30_000));
            assertEquals("wss://{host}:" + config.embeddedBroker().webSocketPort() + "/mqtt", agent.pageConfig().get("brokerUrl"));

            ((SimulatedBoard) agent.board()).press();
            visible(page, "#ring-screen");
            page.locator("#answer").click();
            visible(page, "#ring-result[data-outcome=answered-by-me]");
            assertEquals(RingEnded.Outcome.ANSWERED, agent.ring().snapshot().lastEnded().orElseThrow().outcome());
            assertEquals("erin", agent.ring().snapshot().lastEnded().orElseThrow().by().orElseThrow());
        }
    }

    private static void visible(Page page, String selector) {
        page.locator(selector).waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE).setTimeout(20_000));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
