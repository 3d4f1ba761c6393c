package org.openbell.brokertools;

import org.openbell.signaling.access.BrokerAccess;
import org.openbell.signaling.access.RegistryMessages;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.openbell.signaling.Topics;
import org.openbell.signaling.LogSafe;
import org.openbell.signaling.mqtt.MqttLink;
import org.openbell.signaling.mqtt.MqttSettings;
import org.openbell.signaling.mqtt.Outgoing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs next to the broker and applies the owner pairings doorbells ask for: a doorbell publishes
 * on its own registry topic (which only its account may write, so the topic names the doorbell),
 * the registrar records the owner and the password hash, rewrites {@code passwd} and {@code acl}
 * and reloads the broker, then answers. A doorbell can pair owners only with itself and remove
 * only owners it paired; the broker-wide configuration ({@code scripts/broker-config}) stays the
 * operator's. A removed owner loses access when the broker reloads, connected or not.
 */
public final class Registrar implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Registrar.class);
    /** Owners one doorbell may pair: bounds what a compromised doorbell can add. */
    public static final int MAX_OWNERS_PER_DOORBELL = 32;
    private static final Duration REPLY_EXPIRY = Duration.ofSeconds(60);

    /** Makes the broker read {@code passwd} and {@code acl} again (SIGHUP for Mosquitto). */
    @FunctionalInterface
    public interface Reload {
        void reload() throws IOException, InterruptedException;
    }

    private final BrokerFolder folder;
    private final Reload reload;
    private final Clock clock;
    private MqttLink link;

    public Registrar(BrokerFolder folder, Reload reload, Clock clock) {
        this.folder = folder;
        this.reload = reload;
        this.clock = clock;
    }

    /** Connects with {@code settings} (the registrar's account) and serves requests until closed. */
    public static Registrar start(MqttSettings settings, BrokerFolder folder, Reload reload) throws IOException {
        Registrar registrar = new Registrar(folder, reload, Clock.systemUTC());
        Topics topics = folder.configured().topics();
        registrar.link = MqttLink.start(settings);
        registrar.link.subscribe(topics.registryRequestFilter(), 1, (topic, payload) -> {
            Optional<String> doorbell = topics.registryRequester(topic);
            if (doorbell.isEmpty()) {
                log.warn("Ignored a registry request on {}", LogSafe.text(topic));
                return;
            }
            RegistryMessages.Request request;
            try {
                request = RegistryMessages.decodeRequest(payload);
            } catch (IllegalArgumentException e) {
                log.warn("Refused a malformed registry request from doorbell {}: {}", doorbell.get(), LogSafe.text(e.getMessage()));
                return;
            }
            RegistryMessages.Reply reply = registrar.handle(doorbell.get(), request);
            registrar.link.publish(Outgoing.qos1(topics.registryReplies(doorbell.get()), RegistryMessages.encode(reply))
                    .expiringAt(registrar.clock.instant().plus(REPLY_EXPIRY)));
        });
        return registrar;
    }

    /** Applies one request from {@code deviceId}; never throws. */
    public synchronized RegistryMessages.Reply handle(String deviceId, RegistryMessages.Request request) {
        try {
            BrokerAccess configured = folder.configured();
            PairedOwners paired = folder.paired();
            if (!configured.doorbells().contains(deviceId)) {
                return refuse(request, deviceId, "doorbell " + deviceId + " is not configured on this broker");
            }
            String ownerId = request.ownerId();
            PairedOwners.Owner existing = paired.owners().get(ownerId);
            boolean othersOwner = configured.pairings().containsKey(ownerId)
                    || (existing != null && !existing.deviceId().equals(deviceId));
            PairedOwners next;
            switch (request) {
                case RegistryMessages.PairOwner pair -> {
                    if (othersOwner) {
                        return refuse(request, deviceId, "owner id " + ownerId + " is taken");
                    }
                    if (existing == null && paired.pairedBy(deviceId) >= MAX_OWNERS_PER_DOORBELL) {
                        return refuse(request, deviceId, "doorbell " + deviceId + " already has " + MAX_OWNERS_PER_DOORBELL + " owners");
                    }
                    next = paired.with(ownerId, new PairedOwners.Owner(deviceId, pair.passwordHash(), clock.instant()));
                }
                case RegistryMessages.RemoveOwner remove -> {
                    if (othersOwner) {
                        return refuse(request, deviceId, "owner " + ownerId + " was not paired by doorbell " + deviceId);
                    }
                    if (existing == null) {
                        return new RegistryMessages.Reply(request.requestId(), Optional.empty()); // already gone
                    }
                    next = paired.without(ownerId);
                }
            }
            folder.render(next);
            folder.savePaired(next);
            reload.reload();
            log.info("Doorbell {}: {} owner {}", deviceId, request instanceof RegistryMessages.PairOwner ? "paired" : "removed", ownerId);
            return new RegistryMessages.Reply(request.requestId(), Optional.empty());
        } catch (IOException | RuntimeException e) {
            log.error("Could not apply {} from doorbell {}: {}", request.getClass().getSimpleName(), deviceId, e.toString());
            return new RegistryMessages.Reply(request.requestId(), Optional.of("the registrar could not apply it: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RegistryMessages.Reply(request.requestId(), Optional.of("the registrar is stopping"));
        }
    }

    private static RegistryMessages.Reply refuse(RegistryMessages.Request request, String deviceId, String why) {
        log.warn("Refused {} from doorbell {}: {}", request.getClass().getSimpleName(), deviceId, LogSafe.text(why));
        return new RegistryMessages.Reply(request.requestId(), Optional.of(why));
    }

    public boolean isConnected() {
        return link != null && link.isConnected();
    }

    @Override
    public void close() {
        if (link != null) {
            link.close();
        }
    }
}
