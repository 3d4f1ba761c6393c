package org.openbell.signaling.mqtt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT 5 connection that stays up: Paho's async client with our own reconnect loop
 * (exponential backoff with jitter), a persistent session (Clean Start off), subscriptions that
 * are renewed after every connect, a birth message, and an outbox that holds publishes while
 * disconnected and drops them once their deadline passes.
 *
 * <p>Threading: one thread, {@code openbell-mqtt-<clientId>}, owns all state. Paho's callbacks
 * only hand events to it, and Paho is called only from it (never from a Paho callback thread,
 * which can deadlock). Handlers and listeners run on it and must not block.
 */
public final class MqttLink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MqttLink.class);

    /** {@code retained} receives the messages the broker replays from its retained store on subscribing (null: {@code handler} does). */
    private record Subscription(String filter, int qos, MessageHandler handler, MessageHandler retained) {
    }

    private record Pending(Outgoing message, CompletableFuture<Void> done) {
    }

    private final MqttSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService loop;
    private final ScheduledExecutorService pahoThreads;
    private final MqttAsyncClient client;
    private final javax.net.ssl.SSLSocketFactory tlsSockets;
    private volatile String lastConnectFailure;
    private final Backoff backoff;
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();

    // Owned by the loop thread.
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final Deque<Pending> outbox = new ArrayDeque<>();
    private boolean connected;
    private boolean connecting;
    private boolean closed;
    private ScheduledFuture<?> retry;
    private volatile boolean connectedView;

    private MqttLink(MqttSettings settings, Clock clock) throws MqttException {
        this.settings = settings;
        this.clock = clock;
        String threadName = "openbell-mqtt-" + settings.clientId();
        this.loop = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name(threadName).factory());
        AtomicInteger n = new AtomicInteger();
        this.pahoThreads = Executors.newScheduledThreadPool(8,
                r -> Thread.ofPlatform().daemon().name("paho-" + settings.clientId() + "-" + n.incrementAndGet()).unstarted(r));
        this.client = new MqttAsyncClient(settings.serverUri(), settings.clientId(), new MemoryPersistence(), null, pahoThreads);
        this.tlsSockets = settings.tls() ? TlsSockets.factory(settings.caFile()) : null;
        this.backoff = new Backoff(settings.backoffInitial(), settings.backoffMax(), new Random());
        client.setCallback(new PahoEvents());
    }

    /** Creates the link and starts connecting in the background; a broker that is down is not an error. */
    public static MqttLink start(MqttSettings settings) {
        try {
            MqttLink link = new MqttLink(settings, Clock.systemUTC());
            link.loop.execute(link::connect);
            return link;
        } catch (MqttException e) {
            throw new IllegalArgumentException("cannot create an MQTT client for " + settings + ": " + e.getMessage(), e);
        }
    }

    /** Subscribes now (if connected) and again after every reconnect. */
    public void subscribe(String filter, int qos, MessageHandler handler) {
        subscribe(filter, qos, handler, null);
    }

    /**
     * As {@link #subscribe(String, int, MessageHandler)}, with messages the broker replays from its
     * retained store (not live ones) going to {@code retained} instead: for topics where only live
     * events are valid, so that a message someone left retained is not acted on at every reconnect.
     */
    public void subscribe(String filter, int qos, MessageHandler handler, MessageHandler retained) {
        Subscription subscription = new Subscription(filter, qos, handler, retained);
        loop.execute(() -> {
            subscriptions.add(subscription);
            if (connected) {
                sendSubscriptions(List.of(subscription));
            }
        });
    }

    /**
     * Publishes, or queues until connected. The future completes when the broker acknowledged a
     * QoS 1/2 message (or a QoS 0 message was written); it fails with
     * {@link MessageExpiredException} if the deadline passed while queued and with
     * {@link PublishRejectedException} if the broker refused it.
     */
    public CompletableFuture<Void> publish(Outgoing message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Pending pending = new Pending(message, done);
        try {
            loop.execute(() -> {
                if (connected) {
                    send(pending);
                } else {
                    enqueue(pending);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            done.completeExceptionally(new IllegalStateException("the MQTT link is closed"));
        }
        return done;
    }

    public void addConnectionListener(ConnectionListener listener) {
        listeners.add(listener);
    }

    public boolean isConnected() {
        return connectedView;
    }

    /** Why the latest connection attempt failed, in plain words (for status pages and diagnostics); empty once connected. */
    public Optional<String> lastConnectFailure() {
        return connectedView ? Optional.empty() : Optional.ofNullable(lastConnectFailure);
    }

    private void connect() {
        if (closed || connected || connecting) {
            return;
        }
        connecting = true;
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(settings.sessionExpiry().toSeconds());
        options.setKeepAliveInterval((int) Math.min(65535, settings.keepAlive().toSeconds()));
        options.setConnectionTimeout((int) Math.max(1, settings.connectTimeout().toSeconds()));
        options.setAutomaticReconnect(false);
        if (settings.serverUri().startsWith("tcp://")) {
            options.setSocketFactory(new NoDelaySocketFactory()); // small, latency-bound messages: no Nagle
        } else if (settings.tls()) {
            options.setSocketFactory(tlsSockets); // the configured CA (or the JDK's), TLS 1.2+, no Nagle
            options.setHttpsHostnameVerificationEnabled(true); // the broker's name must match its certificate
        }
        settings.username().ifPresent(options::setUserName);
        settings.password().ifPresent(p -> options.setPassword(p.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        settings.will().ifPresent(will -> {
            MqttMessage message = new MqttMessage(will.payload(), will.qos(), will.retained(), null);
            options.setWill(will.topic(), message);
        });
        try {
            client.connect(options, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    onLoop(() -> connected(token.getSessionPresent()));
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    onLoop(() -> connectFailed(cause));
                }
            });
        } catch (MqttException | RuntimeException e) {
            connectFailed(e);
        }
    }

    private void connected(boolean sessionPresent) {
        connecting = false;
        if (closed) {
            return;
        }
        connected = true;
        connectedView = true;
        backoff.reset();
        log.info("MQTT connected to {} as {} (session {})", settings.serverUri(), settings.clientId(),
                sessionPresent ? "resumed" : "new");
        sendSubscriptions(subscriptions);
        settings.birth().ifPresent(birth -> send(new Pending(birth, new CompletableFuture<>())));
        while (connected && !outbox.isEmpty()) {
            send(outbox.pollFirst());
        }
        notifyListeners(true, Optional.empty());
    }

    private void connectFailed(Throwable cause) {
        connecting = false;
        if (closed) {
            return;
        }
        lastConnectFailure = describe(cause);
        scheduleReconnect("connect to " + settings.serverUri() + " failed: " + lastConnectFailure);
    }

    private void connectionLost(Throwable cause) {
        if (!connected) {
            return;
        }
        connected = false;
        connectedView = false;
        log.warn("MQTT connection to {} lost: {}", settings.serverUri(), describe(cause));
        notifyListeners(false, Optional.ofNullable(cause));
        if (!closed) {
            scheduleReconnect("reconnecting");
        }
    }

    private void scheduleReconnect(String why) {
        if (retry != null && !retry.isDone()) {
            return;
        }
        Duration delay = backoff.next();
        log.info("MQTT {}: next attempt in {} ms", why, delay.toMillis());
        retry = loop.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void sendSubscriptions(List<Subscription> toSend) {
        if (toSend.isEmpty()) {
            return;
        }
        MqttSubscription[] request = toSend.stream()
                .map(s -> new MqttSubscription(s.filter(), s.qos())).toArray(MqttSubscription[]::new);
        try {
            client.subscribe(request, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] codes = token.getReasonCodes();
                    for (int i = 0; codes != null && i < codes.length && i < request.length; i++) {
                        if (codes[i] >= 0x80) {
                            log.error("Broker refused the subscription to {} (reason code {})", request[i].getTopic(), codes[i]);
                        }
                    }
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    log.warn("Subscribing failed ({}); will retry after the next reconnect", describe(cause));
                }
            }, new MqttProperties());
        } catch (MqttException | RuntimeException e) {
            log.warn("Subscribing failed ({}); will retry after the next reconnect", describe(e));
        }
    }

    private void send(Pending pending) {
        Outgoing m = pending.message();
        Optional<Duration> left = m.expiresAt().map(t -> Duration.between(clock.instant(), t));
        if (left.isPresent() && left.get().isNegative()) {
            expire(pending);
            return;
        }
        MqttMessage message = new MqttMessage(m.payload(), m.qos(), m.retained(), null);
        left.ifPresent(d -> {
            MqttProperties properties = new MqttProperties();
            long seconds = Math.max(1, (d.toMillis() + 999) / 1000);
            properties.setMessageExpiryInterval(seconds);
            message.setProperties(properties);
        });
        try {
            client.publish(m.topic(), message, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] codes = token.getReasonCodes();
                    if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                        pending.done().completeExceptionally(new PublishRejectedException(m.topic(), codes[0]));
                    } else {
                        pending.done().complete(null);
                    }
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    onLoop(() -> {
                        log.debug("Publish to {} failed ({}); queued again", m.topic(), describe(cause));
                        enqueue(pending);
                    });
                }
            });
        } catch (MqttException | RuntimeException e) {
            log.debug("Publish to {} not sent ({}); queued", m.topic(), describe(e));
            enqueue(pending);
        }
    }

    private void enqueue(Pending pending) {
        if (closed) {
            pending.done().completeExceptionally(new IllegalStateException("the MQTT link is closed"));
            return;
        }
        Optional<Instant> deadline = pending.message().expiresAt();
        if (deadline.isPresent() && !deadline.get().isAfter(clock.instant())) {
            expire(pending);
            return;
        }
        if (outbox.size() >= settings.maxQueued()) {
            Pending dropped = outbox.pollFirst();
            log.warn("Outbox full ({} messages): dropped the oldest, to {}", settings.maxQueued(), dropped.message().topic());
            dropped.done().completeExceptionally(new IllegalStateException("dropped: outbox full"));
        }
        outbox.addLast(pending);
        deadline.ifPresent(t -> loop.schedule(() -> {
            if (outbox.remove(pending)) {
                expire(pending);
            }
        }, Math.max(0, Duration.between(clock.instant(), t).toNanos()), TimeUnit.NANOSECONDS));
        if (!connected) {
            loop.execute(this::connect);
        }
    }

    private void expire(Pending pending) {
        log.info("Dropped a message to {}: its deadline {} passed before it could be sent",
                pending.message().topic(), pending.message().expiresAt().orElseThrow());
        pending.done().completeExceptionally(new MessageExpiredException(
                "not delivered before " + pending.message().expiresAt().orElseThrow() + ": " + pending.message().topic()));
    }

    private void deliver(String topic, byte[] payload, boolean retained) {
        boolean matched = false;
        for (Subscription s : subscriptions) {
            if (TopicFilter.matches(s.filter(), topic)) {
                matched = true;
                try {
                    (retained && s.retained() != null ? s.retained() : s.handler()).onMessage(topic, payload);
                } catch (RuntimeException e) {
                    log.error("Handler for {} failed on a message to {}: {}", s.filter(), topic, e.toString(), e);
                }
            }
        }
        if (!matched) {
            log.debug("Message to {} matched no subscription", topic);
        }
    }

    private void notifyListeners(boolean isConnected, Optional<Throwable> cause) {
        for (ConnectionListener l : listeners) {
            try {
                l.onConnectionChange(isConnected, cause);
            } catch (RuntimeException e) {
                log.error("Connection listener failed: {}", e.toString(), e);
            }
        }
    }

    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: nothing left to do
        }
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "no cause given";
        }
        String tls = TlsProblems.explain(t);
        if (tls != null) {
            return tls;
        }
        if (t instanceof MqttException e && (e.getReasonCode() == 134 || e.getReasonCode() == 135)) {
            return "the broker refused this account (reason " + e.getReasonCode() + ", "
                    + (e.getReasonCode() == 134 ? "bad user name or password" : "not authorized") + "): check mqtt.username and mqtt.password";
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m)
                + (t.getCause() != null && t.getCause() != t ? " (" + describe(t.getCause()) + ")" : "");
    }

    /** Stops reconnecting and disconnects gracefully (the broker does not publish the will). Idempotent. */
    @Override
    public void close() {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                closed = true;
                if (retry != null) {
                    retry.cancel(false);
                }
                for (Pending p : outbox) {
                    p.done().completeExceptionally(new IllegalStateException("the MQTT link is closed"));
                }
                outbox.clear();
                boolean wasConnected = connected;
                connected = false;
                connectedView = false;
                try {
                    if (client.isConnected()) {
                        client.disconnect(2000).waitForCompletion(3000);
                    }
                } catch (MqttException | RuntimeException e) {
                    log.debug("Disconnect: {}", describe(e));
                }
                try {
                    client.close(true);
                } catch (MqttException | RuntimeException e) {
                    log.debug("Close: {}", describe(e));
                }
                if (wasConnected) {
                    notifyListeners(false, Optional.empty());
                }
                stopped.complete(null);
            });
            stopped.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return; // already closed
        } catch (Exception e) {
            log.warn("MQTT link {} did not close cleanly: {}", settings.clientId(), describe(e));
        } finally {
            loop.shutdownNow();
            pahoThreads.shutdownNow();
            try {
                loop.awaitTermination(5, TimeUnit.SECONDS);
                pahoThreads.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Paho's callbacks: each only hands the event to the loop thread. */
    private final class PahoEvents implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            Throwable cause = response.getException() != null ? response.getException()
                    : new IllegalStateException("broker disconnected: reason " + response.getReturnCode()
                            + (response.getReasonString() == null ? "" : " " + response.getReasonString()));
            onLoop(() -> connectionLost(cause));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            log.warn("MQTT protocol error: {}", describe(exception));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            byte[] payload = message.getPayload();
            boolean retained = message.isRetained();
            onLoop(() -> deliver(topic, payload, retained));
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
