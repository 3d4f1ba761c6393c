package org.openbell.agent.e2e;

import org.openbell.agent.TestPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.config.AgentConfig;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.agent.ring.RingState;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.signaling.RingEnded;
import org.openbell.signaling.ClientIds;
import org.openbell.signaling.Topics;

/**
 * The device's default path: no broker configured, so the agent runs HiveMQ CE in-process and the
 * page connects over secure WebSockets with the agent's generated certificate. By default only
 * paired phones get in (the first pairs with the doorbell's button); {@code anonymous: true} opens
 * it to anyone for a LAN demo.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedBrokerEndToEndTest {

    @TempDir
    Path state;

    @Test
    void theFirstPhonePairsWithTheButtonAndOnlyPairedPhonesGetIn() throws Exception {
        AgentConfig config = config(false, "ring: {timeout: 1s}\n");
        String tcp = "tcp://127.0.0.1:" + config.embeddedBroker().tcpPort();
        Topics topics = new Topics("openbell");
        try (Agent agent = Agent.start(config); Chromium chromium = Chromium.launch()) {
            // Nobody without an account: anonymous, made-up owners, guessed doorbell passwords.
            assertRefused(tcp, null, null);
            assertRefused(tcp, "owner.mallory-abcdefgh", "guess");
            assertRefused(tcp, "doorbell.front-door", "guess");

            Page phone = chromium.phone("first");
            String base = "https://127.0.0.1:" + agent.webPort();
            phone.navigate(base + "/");
            visible(phone, "#pair-button-box");
            phone.locator("#pair-button-start").click();
            phone.waitForSelector("#pair-button-status:has-text('press the doorbell')");
            phone.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/button-pairing.png")).setFullPage(true));
            ((SimulatedBoard) agent.board()).press();
            phone.waitForSelector("#presence[data-state=online]", new Page.WaitForSelectorOptions().setTimeout(30_000));
            String ownerId = phone.locator("#owner-id").textContent();
            phone.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/button-paired.png")).setFullPage(true));
            String username = (String) phone.evaluate("JSON.parse(localStorage.getItem('openbell.owner')).username");
            String password = (String) phone.evaluate("JSON.parse(localStorage.getItem('openbell.owner')).password");
            assertEquals("owner." + ownerId, username);
            // With a phone paired, the button no longer pairs anyone.
            assertEquals(403, phone.request().post(base + "/api/pairing/claims").status());

            // The paired phone rings and answers.
            waitIdle(agent);
            ((SimulatedBoard) agent.board()).press();
            visible(phone, "#ring-screen");
            phone.locator("#answer").click();
            visible(phone, "#ring-result[data-outcome=answered-by-me]");
            assertEquals(RingEnded.Outcome.ANSWERED, agent.ring().snapshot().lastEnded().orElseThrow().outcome());
            assertEquals(ownerId, agent.ring().snapshot().lastEnded().orElseThrow().by().orElseThrow());

            // Its account reaches its own topics only, and never leaves a retained message.
            MqttAsyncClient owner = connect(tcp, username, password);
            assertEquals(1, subscribe(owner, topics.deviceToOwner("front-door", ownerId)));
            assertEquals(135, subscribe(owner, topics.deviceToOwner("front-door", "someone-else")));
            assertEquals(135, subscribe(owner, "openbell/#"));
            owner.disconnect().waitForCompletion(5000);
            owner.close(true);
            // HiveMQ answers a forbidden publish by dropping the connection (reason 135).
            assertEquals(135, publishOnce(tcp, username, password, topics.ownerToDevice("someone-else", "front-door"), false));
            assertEquals(135, publishOnce(tcp, username, password, topics.ownerToDevice(ownerId, "front-door"), true));
            assertEquals(0, publishOnce(tcp, username, password, topics.ownerToDevice(ownerId, "front-door"), false) & ~16,
                    "its own command topic, not retained: accepted");
            owner = connect(tcp, username, password);

            // Its account cannot take the doorbell's session or another phone's (issue 11, defect 1b).
            for (String stolen : java.util.List.of(ClientIds.device("front-door"), ClientIds.owner("someone-else", "x1"),
                    "openbell-owner-" + ownerId + "-with-dash", "anything")) {
                MqttException refused = assertThrows(MqttException.class,
                        () -> connect(tcp, username, password, stolen).disconnectForcibly(), stolen);
                assertEquals(133, refused.getReasonCode(), "CONNACK client identifier not valid for " + stolen);
            }
            assertTrue(agent.signaling().isConnected(), "the doorbell was not thrown off");

            // Removing the phone drops its connection at once and its password stops working.
            Object removed = phone.evaluate("async ([id, auth]) => (await fetch('/api/owners/' + id, {method: 'DELETE',"
                    + " headers: {Authorization: 'Basic ' + btoa(auth)}})).status", java.util.List.of(ownerId, username + ":" + password));
            assertEquals(200, ((Number) removed).intValue());
            for (int i = 0; i < 50 && owner.isConnected(); i++) {
                Thread.sleep(100);
            }
            assertFalse(owner.isConnected(), "the removed phone's connection was dropped");
            owner.close(true);
            assertRefused(tcp, username, password);
        }
    }

    @Test
    void anOpenDemoBrokerLetsAnyPageRing() throws Exception {
        AgentConfig config = config(true, "");
        try (Agent agent = Agent.start(config); Chromium chromium = Chromium.launch()) {
            Page page = chromium.phone("erin");
            page.navigate("https://127.0.0.1:" + agent.webPort() + "/?owner=erin");
            page.waitForSelector("#presence[data-state=online]", new Page.WaitForSelectorOptions().setTimeout(30_000));
            // One origin (issue 12): the page reached the broker through its own https port at /mqtt,
            // so one certificate acceptance covers the page and its MQTT.
            assertEquals("wss://{hostport}/mqtt", agent.pageConfig().brokerUrl());
            assertEquals("wss://127.0.0.1:" + agent.webPort() + "/mqtt", page.evaluate("() => openbell.client.options.href ?? "
                    + "`${openbell.client.options.protocol}://${openbell.client.options.hostname}:${openbell.client.options.port}${openbell.client.options.path}`"));
            assertEquals("off", agent.pageConfig().pairing());

            ((SimulatedBoard) agent.board()).press();
            visible(page, "#ring-screen");
            page.locator("#answer").click();
            visible(page, "#ring-result[data-outcome=answered-by-me]");
            assertEquals(RingEnded.Outcome.ANSWERED, agent.ring().snapshot().lastEnded().orElseThrow().outcome());
            assertEquals("erin", agent.ring().snapshot().lastEnded().orElseThrow().by().orElseThrow());
        }
    }

    private AgentConfig config(boolean anonymous, String extra) throws IOException {
        return ConfigLoader.parse("""
                hardware: {mode: simulated, button: {debounce: 5ms, lockout: 100ms}}
                embeddedBroker: {bind: 127.0.0.1, port: %d, webSocketBind: 127.0.0.1, webSocketPort: %d, anonymous: %s}
                web: {bind: 127.0.0.1, port: 0}
                stateDir: "%s"
                %s""".formatted(TestPorts.free(), TestPorts.free(), anonymous, state, extra), "embedded test config");
    }

    private static MqttAsyncClient connect(String uri, String user, String password) throws MqttException {
        String instance = "t" + System.nanoTime();
        return connect(uri, user, password, user != null && user.startsWith("owner.")
                ? ClientIds.owner(user.substring("owner.".length()), instance) : "test-" + instance);
    }

    private static MqttAsyncClient connect(String uri, String user, String password, String clientId) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setConnectionTimeout(5);
        if (user != null) {
            options.setUserName(user);
            options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        client.connect(options).waitForCompletion(5000);
        return client;
    }

    private static void assertRefused(String uri, String user, String password) {
        MqttException refused = assertThrows(MqttException.class, () -> connect(uri, user, password).disconnectForcibly());
        assertEquals(134, refused.getReasonCode(), "CONNACK bad user name or password for " + user);
    }

    /** The SUBACK reason code (the granted QoS when allowed). */
    private static int subscribe(MqttAsyncClient client, String filter) throws MqttException {
        IMqttToken token = client.subscribe(new MqttSubscription[] {new MqttSubscription(filter, 1)});
        token.waitForCompletion(5000);
        return token.getReasonCodes()[0];
    }

    /** The PUBACK reason code of a QoS 1 publish on a fresh connection, or the reason the broker disconnected it. */
    private static int publishOnce(String uri, String user, String password, String topic, boolean retained) throws MqttException {
        MqttAsyncClient client = connect(uri, user, password);
        try {
            IMqttToken token = client.publish(topic, new MqttMessage("{}".getBytes(StandardCharsets.UTF_8), 1, retained, null));
            token.waitForCompletion(5000);
            int[] codes = token.getReasonCodes();
            return codes == null || codes.length == 0 ? 0 : codes[0];
        } catch (MqttException e) {
            return e.getReasonCode();
        } finally {
            if (client.isConnected()) {
                client.disconnectForcibly(1000);
            }
            client.close(true);
        }
    }

    private static void waitIdle(Agent agent) throws InterruptedException {
        for (int i = 0; i < 100 && agent.ring().snapshot().state() != RingState.IDLE; i++) {
            Thread.sleep(100);
        }
        assertTrue(agent.ring().snapshot().state() == RingState.IDLE, "the ring that paired the phone ended");
    }

    private static void visible(Page page, String selector) {
        page.locator(selector).waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE).setTimeout(20_000));
    }

}
