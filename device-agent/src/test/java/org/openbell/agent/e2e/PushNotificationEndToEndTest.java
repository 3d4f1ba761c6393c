package org.openbell.agent.e2e;

import org.openbell.agent.TestPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.agent.Agent;
import org.openbell.agent.Closing;
import org.openbell.agent.push.PushServiceStandIn;
import org.openbell.agent.ring.RingState;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.signaling.RingDecline;

/**
 * Issue 12, end to end in Chromium: the real owner app registers its service worker, registers a
 * push subscription with the doorbell over MQTT, the doorbell's push (sent to the stand-in push
 * service, which checks its VAPID token and decrypts it) is handed to the service worker through
 * DevTools ({@code ServiceWorker.deliverPushMessage}), and the notification shown is checked; then
 * the ring-ended push replaces it, and opening the app from a ring notification's Answer answers.
 * ({@code pushManager.subscribe()} cannot reach a push service offline: the stand-in's
 * subscription is registered instead.) Chromium refuses a service worker from a page with any
 * certificate error, so this browser trusts the doorbell's own certificate authority, as a phone
 * whose owner installed it (README, "Rings on a locked phone"), and checks certificates strictly:
 * no flag ignores errors, and the page and its MQTT (/mqtt, the same origin) pass without any.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class PushNotificationEndToEndTest {

    private static final double WAIT_MS = 20_000;

    @TempDir
    Path state;
    int brokerPort;
    PushServiceStandIn pushService;
    Agent agent;
    Chromium chromium;

    @BeforeEach
    void start() throws Exception {
        brokerPort = TestPorts.free();
        pushService = PushServiceStandIn.start(state.resolve("push-service"));
        String push = """
                push:
                  allowedHosts: ["%s"]
                  allowPrivateNetworks: true
                  caFile: "%s"
                """.formatted(pushService.host(), pushService.caFile());
        // The embedded broker, as on a flashed doorbell: its WebSocket on the page's own origin.
        agent = Agent.start(org.openbell.agent.config.ConfigLoader.parse("""
                device: {id: front-door, name: Front door}
                hardware: {mode: simulated, button: {debounce: 5ms, lockout: 300ms}, chime: {duration: 200ms}}
                embeddedBroker: {bind: 127.0.0.1, port: %d, webSocketBind: 127.0.0.1, webSocketPort: %d, anonymous: true}
                web: {bind: 127.0.0.1, port: 0}
                stateDir: "%s"
                """.formatted(brokerPort, TestPorts.free(), state.resolve("agent")) + push, "push e2e"));
        chromium = Chromium.launchTrusting(state.resolve("agent/tls/ca.crt"));
    }

    @AfterEach
    void stop() throws Exception {
        Closing.all(chromium, agent, pushService);
    }


    private String origin() {
        return "https://127.0.0.1:" + agent.webPort();
    }

    @Test
    void aPushShowsTheRingNotificationItsEndReplacesItAndAnswerFromItAnswers() throws Exception {
        Page page = chromium.strictPhone("alice");
        BrowserContext context = page.context();
        context.grantPermissions(List.of("notifications"), new BrowserContext.GrantPermissionsOptions().setOrigin(origin()));
        CDPSession devtools = context.newCDPSession(page);
        AtomicReference<String> registrationId = new AtomicReference<>();
        devtools.on("ServiceWorker.workerRegistrationUpdated", event -> event.getAsJsonArray("registrations").forEach(r -> {
            if (r.getAsJsonObject().get("scopeURL").getAsString().startsWith(origin())) {
                registrationId.set(r.getAsJsonObject().get("registrationId").getAsString());
            }
        }));
        devtools.send("ServiceWorker.enable");

        page.navigate(origin() + "/?owner=alice");
        page.waitForSelector("#presence[data-state=online]", new Page.WaitForSelectorOptions().setTimeout(WAIT_MS));
        assertEquals(true, page.evaluate("() => navigator.serviceWorker.ready.then(r => !!r.active)"));
        page.waitForSelector("#push[data-state=off]", new Page.WaitForSelectorOptions().setTimeout(WAIT_MS));
        assertTrue(page.textContent("#push-text").contains("Turn it on"), page.textContent("#push-text"));
        java.nio.file.Files.createDirectories(Path.of("target/screenshots"));
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/push-card-off.png")).setFullPage(true));

        PushServiceStandIn.Subscription subscription = pushService.subscribe();
        page.evaluate("s => openbellPush.register({endpoint: s.endpoint, keys: {p256dh: s.p256dh, auth: s.auth}})",
                Map.of("endpoint", subscription.endpoint(), "p256dh", subscription.p256dh(), "auth", subscription.auth()));
        page.waitForFunction("() => localStorage.getItem('openbell.push') !== null", null,
                new Page.WaitForFunctionOptions().setTimeout(WAIT_MS));

        // The phone is locked: no page of the app in front.
        page.navigate("about:blank");
        ((SimulatedBoard) agent.board()).press();
        String ringPayload = pushService.await("\"type\":\"ring\"", 1, 10_000).getFirst().plaintext();
        deliver(devtools, registrationId.get(), ringPayload);
        Map<String, Object> shown = awaitNotification(page, "someone is at the door");
        assertEquals("Front door: someone is at the door", shown.get("title"));
        assertEquals("openbell-front-door", shown.get("tag"));
        assertEquals(true, shown.get("requireInteraction"));
        assertEquals(List.of("answer", "decline"), shown.get("actions"));
        // Issue 14: the ring's picture follows in its own push (no Topic: it must not replace the ring
        // at the push service) and goes quietly into the ring's notification.
        PushServiceStandIn.Received picture = pushService.await("\"type\":\"snapshot\"", 1, 10_000).getFirst();
        assertEquals(null, picture.topic(), "a picture push never replaces the ring a push service holds");
        assertTrue(picture.plaintext().contains("\"width\":160"), "the thumbnail");
        page.navigate("about:blank");
        deliver(devtools, registrationId.get(), picture.plaintext());
        for (int i = 0; i < 100 && !String.valueOf(awaitNotification(page, "someone is at the door").get("image")).startsWith("data:"); i++) {
            Thread.sleep(50);
        }
        Map<String, Object> withPicture = awaitNotification(page, "someone is at the door");
        assertTrue(String.valueOf(withPicture.get("image")).startsWith("data:image/jpeg;base64,/9j/"), "the picture in the notification");
        assertEquals(List.of("answer", "decline"), withPicture.get("actions"), "still the ring's notification");
        assertEquals(true, ((Map<?, ?>) withPicture.get("data")).get("picture"));
        // The same push again (a retry after a lost answer): the phone does not ring a second time.
        page.navigate("about:blank");
        deliver(devtools, registrationId.get(), ringPayload);
        Thread.sleep(500);
        assertEquals(((Map<?, ?>) shown.get("data")).get("receivedAt"),
                ((Map<?, ?>) awaitNotification(page, "someone is at the door").get("data")).get("receivedAt"), "not shown again");

        // Another owner declines: the ring-ended push replaces the notification.
        String ringId = agent.ring().snapshot().ringId().orElseThrow();
        org.openbell.signaling.mqtt.MqttLink bob = org.openbell.signaling.mqtt.MqttLink.start(
                org.openbell.signaling.mqtt.MqttSettings.builder("tcp://127.0.0.1:" + brokerPort, "openbell-owner-bob-test").build());
        try {
            bob.publish(org.openbell.signaling.mqtt.Outgoing.qos1(org.openbell.signaling.Topics.defaults().ownerToDevice("bob", "front-door"),
                    new org.openbell.signaling.MessageCodec().encode(new RingDecline("front-door", ringId, Instant.now()))))
                    .get(20, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            bob.close();
        }
        String endedPayload = pushService.await("\"type\":\"ring-ended\"", 1, 10_000).getFirst().plaintext();
        page.navigate("about:blank");
        deliver(devtools, registrationId.get(), endedPayload);
        Map<String, Object> replaced = awaitNotification(page, "Declined by bob");
        assertEquals("openbell-front-door", replaced.get("tag"));
        assertEquals(List.of(), replaced.get("actions"));
        // The ring's push arriving late, after its end: it does not ring again.
        page.navigate("about:blank");
        deliver(devtools, registrationId.get(), ringPayload);
        Thread.sleep(500);
        assertEquals("Front door: Declined by bob", awaitNotification(page, "Front door").get("title"));
        assertEquals(1, ((Number) page.evaluate("() => navigator.serviceWorker.getRegistration().then(r => r.getNotifications()).then(n => n.length)")).intValue(),
                "one door, one notification");

        // A new ring; the owner taps Answer on the notification: the app opens in that ring and answers it.
        waitIdle();
        ((SimulatedBoard) agent.board()).press();
        String secondRing = pushService.await("\"type\":\"ring\"", 2, 10_000).get(1).plaintext();
        page.navigate("about:blank");
        deliver(devtools, registrationId.get(), secondRing);
        Map<String, Object> second = awaitNotification(page, "someone is at the door");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) second.get("data");
        @SuppressWarnings("unchecked")
        Map<String, Object> ring = (Map<String, Object>) data.get("ring");
        String carried = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                new java.util.LinkedHashMap<>(Map.of("v", 1, "type", "ring", "deviceId", ring.get("deviceId"), "ringId", ring.get("ringId"),
                        "at", ((Number) ring.get("at")).longValue(), "expiresAt", ((Number) ring.get("expiresAt")).longValue(),
                        "presses", ((Number) ring.get("presses")).intValue(), "receivedAt", ((Number) data.get("receivedAt")).longValue())));
        // The URL the service worker's notificationclick opens for the Answer action (sw.js).
        page.navigate(origin() + "/?owner=alice#push-ring="
                + java.net.URLEncoder.encode(Base64.getEncoder().encodeToString(carried.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8)
                + "&action=answer");
        for (int i = 0; i < 200 && agent.ring().snapshot().state() != RingState.IDLE; i++) {
            Thread.sleep(50);
        }
        var ended = agent.ring().snapshot().lastEnded().orElseThrow();
        assertEquals(ring.get("ringId"), ended.ringId());
        assertEquals("answered", ended.outcome().wireName());
        assertEquals("alice", ended.by().orElseThrow(), "Answer in the notification answered the ring");
        page.waitForSelector("#call-screen:not([hidden])", new Page.WaitForSelectorOptions().setTimeout(WAIT_MS));
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/answered-from-notification.png")));
    }

    private void waitIdle() throws InterruptedException {
        for (int i = 0; i < 200 && agent.ring().snapshot().state() != RingState.IDLE; i++) {
            Thread.sleep(50);
        }
    }

    private void deliver(CDPSession devtools, String registrationId, String payload) {
        JsonObject args = new JsonObject();
        args.addProperty("origin", "");
        args.addProperty("registrationId", registrationId);
        args.addProperty("data", payload);
        devtools.send("ServiceWorker.deliverPushMessage", args);
    }

    /** The notification whose title has {@code titlePart}, as the service worker showed it (polled from a page of the origin). */
    @SuppressWarnings("unchecked")
    private Map<String, Object> awaitNotification(Page page, String titlePart) throws InterruptedException {
        page.navigate(origin() + "/icons/icon-192.png");
        for (int i = 0; i < 200; i++) {
            Object found = notification(page, titlePart);
            if (found != null) {
                return (Map<String, Object>) found;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no notification with '" + titlePart + "', only " + page.evaluate(
                "() => navigator.serviceWorker.getRegistration().then(r => r.getNotifications()).then(n => JSON.stringify(n.map(x => x.title)))"));
    }

    private static Object notification(Page page, String titlePart) {
        return page.evaluate("t => navigator.serviceWorker.getRegistration().then(r => r.getNotifications())"
                + ".then(n => n.filter(x => x.title.includes(t)).map(x => ({title: x.title, tag: x.tag, body: x.body,"
                + " requireInteraction: x.requireInteraction, image: x.image, actions: (x.actions || []).map(a => a.action), data: x.data}))[0])", titlePart);
    }
}
