package org.openbell.agent.bench;

import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.openbell.agent.e2e.Chromium;
import org.openbell.agent.push.PushServiceStandIn;

/**
 * A phone with the owner app installed and rings-when-locked on, then locked (no page of the app
 * open): the real app and service worker in Chromium that trusts the doorbell's certificate
 * authority. A ring's push, as the stand-in push service received it, is handed to the service
 * worker through DevTools ({@code ServiceWorker.deliverPushMessage}), as a phone's push service
 * would, and the notification it shows is read back with its timestamp.
 */
final class LockedPhone implements AutoCloseable {

    private static final double WAIT_MS = 20_000;

    private final Chromium chromium;
    private final Page page;
    private final CDPSession devtools;
    private final String registrationId;
    private final String base;
    final PushServiceStandIn.Subscription subscription;

    private LockedPhone(Chromium chromium, Page page, CDPSession devtools, String registrationId, String base,
            PushServiceStandIn.Subscription subscription) {
        this.chromium = chromium;
        this.page = page;
        this.devtools = devtools;
        this.registrationId = registrationId;
        this.base = base;
        this.subscription = subscription;
    }

    /** Opens the app at {@code base}, turns push on with a stand-in subscription, and locks the phone. */
    static LockedPhone open(Path doorbellCa, String base, PushServiceStandIn pushService, String... chromiumArgs) throws Exception {
        Chromium chromium = Chromium.launchTrusting(doorbellCa, chromiumArgs);
        try {
            Page page = chromium.strictPhone("locked");
            BrowserContext context = page.context();
            context.grantPermissions(List.of("notifications"), new BrowserContext.GrantPermissionsOptions().setOrigin(base));
            CDPSession devtools = context.newCDPSession(page);
            AtomicReference<String> registrationId = new AtomicReference<>();
            devtools.on("ServiceWorker.workerRegistrationUpdated", event -> event.getAsJsonArray("registrations").forEach(r -> {
                if (r.getAsJsonObject().get("scopeURL").getAsString().startsWith(base)) {
                    registrationId.set(r.getAsJsonObject().get("registrationId").getAsString());
                }
            }));
            devtools.send("ServiceWorker.enable");
            page.navigate(base + "/?owner=locked");
            page.waitForSelector("#presence[data-state=online]", new Page.WaitForSelectorOptions().setTimeout(WAIT_MS));
            page.evaluate("() => navigator.serviceWorker.ready");
            PushServiceStandIn.Subscription s = pushService.subscribe();
            page.evaluate("s => openbellPush.register({endpoint: s.endpoint, keys: {p256dh: s.p256dh, auth: s.auth}})",
                    Map.of("endpoint", s.endpoint(), "p256dh", s.p256dh(), "auth", s.auth()));
            page.waitForFunction("() => localStorage.getItem('openbell.push') !== null", null, new Page.WaitForFunctionOptions().setTimeout(WAIT_MS));
            for (int i = 0; i < 100 && registrationId.get() == null; i++) {
                Thread.sleep(50);
            }
            if (registrationId.get() == null) {
                throw new IllegalStateException("the service worker did not register");
            }
            page.navigate("about:blank"); // locked: the app's page is gone
            return new LockedPhone(chromium, page, devtools, registrationId.get(), base, s);
        } catch (Exception | Error e) {
            chromium.close();
            throw e;
        }
    }

    /** Hands ring {@code ringId}'s push to the service worker once it reaches the push service; when the notification was shown (epoch ms). */
    long notificationShownAt(PushServiceStandIn pushService, String ringId) throws Exception {
        // The ring itself, not its picture (that push names the ring too).
        String payload = pushService.awaitPlaintext(subscription, "\"type\":\"ring\",\"deviceId\":\"front-door\",\"ringId\":\"" + ringId + "\"", 20_000);
        if (payload == null) {
            throw new IllegalStateException("no push of ring " + ringId + " for the locked phone");
        }
        JsonObject args = new JsonObject();
        args.addProperty("origin", ""); // as the end-to-end test: DevTools finds the worker by its registration
        args.addProperty("registrationId", registrationId);
        args.addProperty("data", payload);
        devtools.send("ServiceWorker.deliverPushMessage", args);
        // Read the notifications from a page of the origin that is not the app (the app would ring itself).
        page.navigate(base + "/icons/icon-192.png");
        try {
            for (int i = 0; i < 400; i++) {
                Object at = page.evaluate("id => navigator.serviceWorker.getRegistration().then(r => r.getNotifications())"
                        + ".then(n => n.filter(x => x.data && x.data.ring && x.data.ring.ringId === id).map(x => x.timestamp)[0])", ringId);
                if (at instanceof Number n) {
                    return n.longValue();
                }
                Thread.sleep(5);
            }
            throw new IllegalStateException("the locked phone showed no notification for ring " + ringId);
        } finally {
            page.navigate("about:blank");
        }
    }

    @Override
    public void close() {
        chromium.close();
    }
}
