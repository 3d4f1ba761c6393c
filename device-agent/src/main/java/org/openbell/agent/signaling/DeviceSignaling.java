package org.openbell.agent.signaling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.openbell.agent.config.AgentConfig;
import org.openbell.agent.ring.RingSignals;
import org.openbell.signaling.Message;
import org.openbell.signaling.LogSafe;
import org.openbell.signaling.MessageCodec;
import org.openbell.signaling.MessageType;
import org.openbell.signaling.Presence;
import org.openbell.signaling.ProtocolException;
import org.openbell.signaling.Ring;
import org.openbell.signaling.RingEnded;
import org.openbell.signaling.Topics;
import org.openbell.signaling.access.RegistryMessages;
import org.openbell.signaling.mqtt.ConnectionListener;
import org.openbell.signaling.mqtt.MqttLink;
import org.openbell.signaling.mqtt.MqttSettings;
import org.openbell.signaling.mqtt.Outgoing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device's side of protocol v1 over MQTT: presence (birth and Last Will), rings out, owner
 * commands in. Inbound payloads are decoded strictly; anything malformed, for another doorbell
 * or of a type owners may not send is logged, counted and dropped, and never reaches the ring
 * controller.
 */
public final class DeviceSignaling implements RingSignals, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeviceSignaling.class);
    static final Duration RING_ENDED_EXPIRY = Duration.ofSeconds(30);
    static final Duration CALL_EXPIRY = Duration.ofSeconds(30);
    static final Duration REGISTRY_EXPIRY = Duration.ofSeconds(15);

    private final String deviceId;
    private final Topics topics;
    private final MessageCodec codec = new MessageCodec();
    private final Clock clock;
    private final Rejections rejections = new Rejections();
    private final java.util.concurrent.atomic.LongAdder received = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder accepted = new java.util.concurrent.atomic.LongAdder();
    private final LogBudget rejectionLog = new LogBudget(20, Duration.ofSeconds(10));
    private final MqttLink link;
    private final Map<String, CompletableFuture<RegistryMessages.Reply>> registryRequests = new ConcurrentHashMap<>();
    private final boolean externalRegistrar;
    private volatile RingDelivery lastRingDelivery;
    /** When the current connection was made: the "at" of the presence it declared. */
    private final java.util.function.Supplier<java.time.Instant> connectedAt;
    /** What the doorbell keeps retained besides its presence, made afresh for each announcement (and each presence-request). */
    private final List<java.util.function.Supplier<? extends Message>> retained = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** When each owner's last presence-request was answered (System.nanoTime()), at most {@link #PRESENCE_ANSWERS_KEPT}. */
    private final Map<String, Long> presenceAnswered = new java.util.LinkedHashMap<>();
    static final Duration PRESENCE_ANSWER_SPACING = Duration.ofSeconds(2);
    static final int PRESENCE_ANSWERS_KEPT = 1000;

    /** The ring message last handed to {@link #ringStarted} while its ring rings (null after its end): only it is ever sent again. */
    private volatile Ring latestRing;

    private DeviceSignaling(String deviceId, Topics topics, Clock clock, MqttLink link, boolean externalRegistrar,
            java.util.function.Supplier<java.time.Instant> connectedAt) {
        this.connectedAt = connectedAt;
        this.deviceId = deviceId;
        this.topics = topics;
        this.clock = clock;
        this.link = link;
        this.externalRegistrar = externalRegistrar;
    }

    /**
     * Connects (in the background) and subscribes to owner commands: {@link #create} then {@link #open}.
     *
     * @param broker        where to connect, and as whom
     * @param ownerMessages receives (ownerId, message) for valid owner commands; must not block
     */
    public static DeviceSignaling start(AgentConfig config, Broker broker, Clock clock,
            BiConsumer<String, Message> ownerMessages, ConnectionListener connection) {
        DeviceSignaling signaling = create(config, broker, clock);
        signaling.open(ownerMessages, connection);
        return signaling;
    }

    /**
     * The doorbell's signaling, not yet connected: the parts that send through it (rings, calls,
     * push) can be built with it, and what they send waits in the link's outbox until
     * {@link #open} (with deadlines running).
     */
    public static DeviceSignaling create(AgentConfig config, Broker broker, Clock clock) {
        String deviceId = config.device().id();
        Topics topics = new Topics(config.mqtt().topicPrefix());
        MessageCodec codec = new MessageCodec();
        // Both made for each connection, with the same "at": the moment the connection was made
        // (the Last Will is registered then, and the online that follows declares the same moment).
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> connectedAt = new java.util.concurrent.atomic.AtomicReference<>(clock.instant());
        java.util.function.Supplier<Outgoing> will = () -> {
            connectedAt.set(clock.instant());
            return Outgoing.qos1(topics.presence(deviceId),
                    codec.encode(new Presence(deviceId, Presence.State.OFFLINE, connectedAt.get()))).asRetained();
        };
        java.util.function.Supplier<Outgoing> birth = () -> Outgoing.qos1(topics.presence(deviceId),
                codec.encode(new Presence(deviceId, Presence.State.ONLINE, connectedAt.get()))).asRetained();
        var mqtt = config.mqtt();
        // A client id of its own where the broker cannot bind ids to accounts (RabbitMQ: any account
        // connecting with the doorbell's id would take its session over, docs/fleet.md).
        String clientId = broker.external() ? mqtt.clientId().orElse("openbell-device-" + deviceId) : "openbell-device-" + deviceId;
        MqttSettings.Builder settings = MqttSettings.builder(broker.uris(), clientId)
                .sessionExpiry(mqtt.sessionExpiry())
                .keepAlive(mqtt.keepAlive())
                .backoff(mqtt.reconnectMin(), mqtt.reconnectMax())
                .will(will)
                .birth(birth);
        broker.username().ifPresent(settings::username);
        broker.password().ifPresent(settings::password);
        mqtt.caFile().ifPresent(settings::caFile);
        return new DeviceSignaling(deviceId, topics, clock, MqttLink.create(settings.build(), clock), config.externalRegistrar(),
                connectedAt::get);
    }

    /**
     * Subscribes to owner commands (and registry replies with an external registrar), then
     * connects. Once.
     *
     * @param ownerMessages receives (ownerId, message) for valid owner commands; must not block
     * @param connection    told when the link connects or is lost
     */
    public void open(BiConsumer<String, Message> ownerMessages, ConnectionListener connection) {
        link.addConnectionListener(connection);
        // Owner commands are live events: one left retained on the broker (which Mosquitto's access
        // list cannot forbid) would come back at every reconnect, so replayed ones are refused.
        link.subscribe(topics.ownerToDeviceFilter(deviceId), 1,
                (topic, payload) -> onOwnerPayload(topic, payload, ownerMessages),
                (topic, payload) -> {
                    received.increment();
                    reject("retained", "a retained message on " + topic + " (owner commands are never retained)");
                });
        if (externalRegistrar) {
            link.subscribe(topics.registryReplies(deviceId), 1, (topic, payload) -> onRegistryReply(payload));
        }
        link.open();
    }

    /** The broker the doorbell connects to and its account there (none with an open broker). */
    public record Broker(java.util.List<String> uris, Optional<String> username, Optional<String> password, boolean external) {
        public Broker {
            uris = java.util.List.copyOf(uris);
        }

        /** One broker (the embedded one). */
        public Broker(String uri, Optional<String> username, Optional<String> password) {
            this(java.util.List.of(uri), username, password, false);
        }

        /** The configured external broker (or a cluster's nodes, tried in turn) and account. */
        public static Broker configured(AgentConfig config) {
            return new Broker(config.mqtt().brokerUris(), config.mqtt().username(), config.mqtt().password(), true);
        }

        @Override
        public String toString() {
            return "Broker[" + String.join(" | ", uris) + ", " + username.orElse("anonymous") + "]";
        }
    }

    public Rejections rejections() {
        return rejections;
    }

    /** The broker (a cluster's node) the doorbell is connected to now. */
    public Optional<String> connectedBroker() {
        return link.connectedServer();
    }

    public boolean isConnected() {
        return link.isConnected();
    }

    /** Inbound owner messages so far: every one received is either accepted or rejected (counted by reason). */
    public record Inbound(long received, long accepted, long rejected) {
    }

    public Inbound inbound() {
        long r = received.sum();
        long a = accepted.sum();
        return new Inbound(r, a, rejections.total());
    }

    /** Why the broker could not be reached last time, in plain words; empty while connected. */
    public java.util.Optional<String> lastConnectFailure() {
        return link.lastConnectFailure();
    }

    @Override
    public void ringStarted(Ring ring) {
        latestRing = ring;
        lastRingDelivery = RingDelivery.waiting(ring.ringId(), ring.at(), clock.instant());
        publishRing(ring, 1);
    }

    /**
     * Reason codes a broker gives a publish it could not place for the moment, not for what it is: on
     * a RabbitMQ cluster, a ring routed while a node died is refused with 131 (implementation
     * specific error: the queue of an owner on that node was gone) for every owner, also those on
     * live nodes (measured by scripts/bench-fleet). 137 is "server busy".
     */
    static final java.util.Set<Integer> TRANSIENT_REFUSALS = java.util.Set.of(131, 137);
    static final Duration RING_RETRY_AFTER = Duration.ofMillis(300);
    static final Duration RING_RETRY_MAX = Duration.ofSeconds(5);

    /** How long after refused attempt {@code attempt} (1-based) a ring is sent again: 300 ms, doubling, at most 5 s. */
    static Duration retryDelay(int attempt) {
        Duration d = RING_RETRY_AFTER.multipliedBy(1L << Math.min(attempt - 1, 5));
        return d.compareTo(RING_RETRY_MAX) > 0 ? RING_RETRY_MAX : d;
    }

    private void publishRing(Ring ring, int attempt) {
        link.publish(Outgoing.qos1(topics.rings(deviceId), codec.encode(ring)).expiringAt(ring.expiresAt())).whenComplete((ok, failure) -> {
            Instant now = clock.instant();
            // Sent again only while it is still the latest message of the ring (a press since, or its end,
            // would be undone by an older copy) and has life left; a receiver takes a second copy once.
            if (failure instanceof org.openbell.signaling.mqtt.PublishRejectedException r && TRANSIENT_REFUSALS.contains(r.reasonCode())
                    && latestRing == ring && now.plus(retryDelay(attempt)).isBefore(ring.expiresAt())) {
                if (attempt % 10 == 1) { // the first refusal, then every tenth
                    log.warn("The broker could not take ring {} for now ({}); sending it again while it rings (attempt {})",
                            ring.ringId(), r.reasonCode(), attempt + 1);
                }
                // 300 ms, then twice as long each time up to 5 s: a refused publish may have reached some
                // owners already (scripts/bench-fleet counted 7030 extra copies at every 300 ms), each copy
                // taken once by them but a flood all the same.
                java.util.concurrent.CompletableFuture.delayedExecutor(retryDelay(attempt).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                        .execute(() -> {
                            if (latestRing == ring) {
                                publishRing(ring, attempt + 1);
                            }
                        });
                return;
            }
            synchronized (this) {
                RingDelivery d = lastRingDelivery;
                if (d != null && d.ringId().equals(ring.ringId())) {
                    lastRingDelivery = failure == null ? d.took(now) : d.failed(failure.toString());
                }
            }
            if (failure != null) {
                log.warn("Owners were not told of ring {}: {}", ring.ringId(), failure.toString());
            } else {
                log.debug("Delivered ring {} to the broker", ring.ringId());
            }
        });
    }

    /** What became of the latest ring at the broker (/api/status); empty before the first ring. */
    public Optional<RingDelivery> lastRingDelivery() {
        return Optional.ofNullable(lastRingDelivery);
    }

    @Override
    public void ringEnded(RingEnded ended) {
        latestRing = null;
        publish(Outgoing.qos1(topics.rings(deviceId), codec.encode(ended)).expiringAt(ended.at().plus(RING_ENDED_EXPIRY)),
                "ring-ended " + ended.ringId());
    }

    /**
     * Another part's own subscription on the doorbell's connection (Home Assistant's birth and
     * commands): not protocol messages, handled (and refused) by that part; messages replayed from
     * the broker's retained store are dropped (commands are live events).
     */
    public void subscribeOther(String filter, org.openbell.signaling.mqtt.MessageHandler handler) {
        link.subscribe(filter, 1, handler, (topic, payload) -> log.debug("Ignored a retained message on {}", LogSafe.text(topic)));
    }

    /** Another part's own message (Home Assistant's discovery, state, picture), through the same outbox as rings. */
    public CompletableFuture<Void> publishOther(Outgoing message) {
        return link.publish(message);
    }

    /** Told when the doorbell's connection comes up or goes. */
    public void onConnection(org.openbell.signaling.mqtt.ConnectionListener listener) {
        link.addConnectionListener(listener);
    }

    /** A picture of who rang to every owner, on the snapshots topic, until {@code expiresAt}. */
    public void toOwners(org.openbell.signaling.Snapshot snapshot, java.time.Instant expiresAt) {
        publish(Outgoing.qos1(topics.snapshots(deviceId), codec.encode(snapshot)).expiringAt(expiresAt),
                "the picture of ring " + snapshot.ringId());
    }

    /**
     * An owner's {@code presence-request} (revision 1.4): the presence, push key and capabilities
     * again, live, on that owner's own topic; a clustered broker whose retained store is per node
     * (RabbitMQ) would otherwise leave an owner on another node not knowing the doorbell is online.
     * At most one answer per owner every {@link #PRESENCE_ANSWER_SPACING}.
     */
    public void answerPresenceRequest(String ownerId) {
        long now = System.nanoTime();
        synchronized (presenceAnswered) {
            Long last = presenceAnswered.get(ownerId);
            if (last != null && now - last < PRESENCE_ANSWER_SPACING.toNanos()) {
                log.debug("presence-request from {}: answered {} ms ago", ownerId, (now - last) / 1_000_000);
                return;
            }
            presenceAnswered.remove(ownerId);
            presenceAnswered.put(ownerId, now);
            if (presenceAnswered.size() > PRESENCE_ANSWERS_KEPT) {
                presenceAnswered.remove(presenceAnswered.keySet().iterator().next());
            }
        }
        if (!link.isConnected()) {
            return; // it could only be queued; the owner asks again when it reconnects
        }
        toOwner(ownerId, new Presence(deviceId, Presence.State.ONLINE, connectedAt.get()));
        retained.forEach(message -> toOwner(ownerId, message.get()));
    }

    /**
     * Publishes the retained online presence again (the same as the connect's), only while connected:
     * for a subscriber that joined on another node of a cluster, whose retained store never had it
     * (Home Assistant's availability, docs/fleet.md).
     */
    public void republishPresence() {
        if (link.isConnected()) {
            publish(Outgoing.qos1(topics.presence(deviceId), codec.encode(new Presence(deviceId, Presence.State.ONLINE, connectedAt.get())))
                    .asRetained(), "presence again");
        }
    }

    /** Someone at the door (the motion sensor) to every owner, on the motion topic; 30 s to live. */
    public void toOwners(org.openbell.signaling.Motion motion) {
        publish(Outgoing.qos1(topics.motion(deviceId), codec.encode(motion)).expiringAt(motion.at().plus(MOTION_EXPIRY)), "motion");
    }

    /** Call signaling or a push-status to one owner, on the device-to-owner topic. */
    public void toOwner(String ownerId, Message message) {
        publish(Outgoing.qos1(topics.deviceToOwner(deviceId, ownerId), codec.encode(message))
                .expiringAt(message.at().plus(CALL_EXPIRY)), message.type().wireName() + " to " + ownerId);
    }

    /**
     * Publishes the doorbell's VAPID public key, retained, now and after every reconnect (a broker
     * that lost its retained store gets it back), for owner apps that subscribe to rings by push.
     */
    /** How long a motion notice lives: past it, the visitor has rung or gone. */
    static final java.time.Duration MOTION_EXPIRY = java.time.Duration.ofSeconds(30);

    public void announcePushKey(String key) {
        org.openbell.signaling.PushKey message = new org.openbell.signaling.PushKey(deviceId, key, clock.instant());
        announceRetained(topics.pushKey(deviceId), () -> message);
    }

    /**
     * Publishes what the doorbell offers its owners ({@code capabilities}, revision 1.4), retained,
     * now and after every reconnect, made afresh each time.
     */
    public void announceCapabilities(java.util.function.Supplier<org.openbell.signaling.Capabilities> capabilities) {
        announceRetained(topics.capabilities(deviceId), capabilities::get);
    }

    /**
     * A retained message owners read when they subscribe: published on every connect and only
     * while connected (it has no expiry, so queued during an outage it could crowd a ring out of the
     * outbox; the next connect announces it anyway).
     */
    private void announceRetained(String topic, java.util.function.Supplier<? extends Message> message) {
        retained.add(message);
        Runnable announce = () -> {
            Message m = message.get();
            publish(Outgoing.qos1(topic, codec.encode(m)).asRetained(), m.type().wireName());
        };
        link.addConnectionListener((connected, cause) -> {
            if (connected) {
                announce.run();
            }
        });
        if (link.isConnected()) {
            announce.run();
        }
    }

    private void publish(Outgoing message, String what) {
        link.publish(message).whenComplete((ok, failure) -> {
            if (failure != null) {
                log.warn("Owners were not told of {}: {}", what, failure.toString());
            } else {
                log.debug("Delivered {} to the broker", what);
            }
        });
    }

    /**
     * Asks the broker's registrar to pair or remove an owner; completes with its reply, or
     * exceptionally after {@link #REGISTRY_EXPIRY} (the request expires at the broker then too).
     */
    public CompletableFuture<RegistryMessages.Reply> askRegistrar(RegistryMessages.Request request) {
        CompletableFuture<RegistryMessages.Reply> reply = new CompletableFuture<>();
        registryRequests.put(request.requestId(), reply);
        reply.orTimeout(REGISTRY_EXPIRY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .whenComplete((r, failure) -> registryRequests.remove(request.requestId()));
        link.publish(Outgoing.qos1(topics.registryRequests(deviceId), RegistryMessages.encode(request))
                .expiringAt(clock.instant().plus(REGISTRY_EXPIRY))).whenComplete((ok, failure) -> {
                    if (failure != null) {
                        reply.completeExceptionally(failure);
                    }
                });
        return reply;
    }

    void onRegistryReply(byte[] payload) {
        received.increment();
        RegistryMessages.Reply reply;
        try {
            reply = RegistryMessages.decodeReply(payload);
        } catch (IllegalArgumentException e) {
            reject("bad-registry-reply", e.getMessage());
            return;
        }
        accepted.increment();
        CompletableFuture<RegistryMessages.Reply> pending = registryRequests.remove(reply.requestId());
        if (pending != null) {
            pending.complete(reply);
        }
    }

    void onOwnerPayload(String topic, byte[] payload, BiConsumer<String, Message> ownerMessages) {
        received.increment();
        Optional<String> owner = topics.ownerOf(topic, deviceId);
        if (owner.isEmpty()) {
            reject("bad-topic", "topic " + topic + " is not an owner topic of this doorbell");
            return;
        }
        Message message;
        try {
            message = codec.decode(payload);
        } catch (ProtocolException e) {
            reject(e.code().wireName(), "from owner " + owner.get() + ": " + e.getMessage());
            return;
        }
        if (!message.deviceId().equals(deviceId)) {
            reject("other-doorbell", message.type().wireName() + " from owner " + owner.get()
                    + " is for doorbell " + message.deviceId() + ", not " + deviceId);
            return;
        }
        if (!message.type().sentBy(MessageType.Sender.OWNER)) {
            reject("not-an-owner-message", message.type().wireName() + " from owner " + owner.get() + " (owners send "
                    + java.util.Arrays.stream(MessageType.values()).filter(t -> t.sentBy(MessageType.Sender.OWNER))
                            .map(MessageType::wireName).collect(java.util.stream.Collectors.joining(", ")) + ")");
            return;
        }
        accepted.increment();
        ownerMessages.accept(owner.get(), message);
    }

    /** Counts and logs (escaped, and at most 20 lines per 10 s: a flood must not slow the doorbell down with logging). */
    void reject(String reason, String detail) {
        rejections.count(reason);
        long skipped = rejectionLog.take();
        if (skipped >= 0) {
            log.warn("Rejected a message ({}): {}{}", reason, LogSafe.text(detail),
                    skipped > 0 ? " (" + skipped + " more rejected since the last line, not logged)" : "");
        }
    }

    /** Declares the doorbell offline (retained), then disconnects. */
    @Override
    public void close() {
        try {
            if (link.isConnected()) {
                link.publish(Outgoing.qos1(topics.presence(deviceId),
                                codec.encode(new Presence(deviceId, Presence.State.OFFLINE, clock.instant()))).asRetained())
                        .get(2, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            log.warn("Could not publish offline presence: {}", e.toString());
        } finally {
            link.close();
        }
    }
}
