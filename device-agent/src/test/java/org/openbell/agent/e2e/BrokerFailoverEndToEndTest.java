package org.openbell.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.Page;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.Closing;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * Issue 16, the owner app's side of broker failover: given a clustered broker's WebSocket URLs
 * ({@code mqtt.webSocketUrl} as a list), the page moves to the next when its node dies, and rings
 * there. Two Mosquittos stand for two nodes; the doorbell moves with it.
 */
@Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES)
class BrokerFailoverEndToEndTest {

    @TempDir
    Path state;

    @Test
    void whenItsNodeDiesThePageMovesToTheNextAndRingsThere() throws Exception {
        MosquittoBroker one = MosquittoBroker.start();
        MosquittoBroker two = MosquittoBroker.start();
        Agent agent = null;
        Chromium chromium = null;
        try {
            agent = Agent.start(ConfigLoader.parse("""
                    device: {id: front-door, name: Front door}
                    hardware: {mode: simulated, button: {debounce: 5ms, lockout: 300ms}, chime: {duration: 200ms}}
                    mqtt: {broker: ["%s", "%s"], webSocketUrl: ["%s", "%s"], reconnectMin: 100ms, reconnectMax: 1s, keepAlive: 5s}
                    web: {bind: 127.0.0.1, port: 0}
                    stateDir: "%s"
                    """.formatted(one.tcpUri(), two.tcpUri(), one.webSocketUri(), two.webSocketUri(), state), "failover page test"));
            chromium = Chromium.launch();
            Page page = OwnerPages.open(chromium, agent, "olivia");
            assertEquals(one.webSocketUri(), page.evaluate("() => openbell.brokerNode"), "the first node first");

            one.stop();
            page.waitForSelector("#connection[data-state=disconnected]", new Page.WaitForSelectorOptions().setTimeout(OwnerPages.WAIT_MS));
            page.waitForSelector("#connection[data-state=connected]", new Page.WaitForSelectorOptions().setTimeout(OwnerPages.WAIT_MS));
            assertEquals(two.webSocketUri(), page.evaluate("() => openbell.brokerNode"), "moved to the second node");
            for (int i = 0; i < 200 && !two.tcpUri().equals(agent.status().mqttBroker()); i++) {
                Thread.sleep(25);
            }
            assertEquals(two.tcpUri(), agent.status().mqttBroker(), "the doorbell moved too");
            ((SimulatedBoard) agent.board()).press();
            OwnerPages.visible(page, "#ring-screen");
        } finally {
            Closing.all(chromium, agent, one, two);
        }
    }
}
