package org.openbell.signaling.mqtt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.openbell.signaling.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT 5 connection that stays up: Paho's async client with our own reconnect loop
 * (exponential backoff with jitter, short while a message with a deadline waits), a persistent
 * session (Clean Start off), subscriptions renewed after every connect, a birth message, and an
 * outbox that holds publishes while disconnected and drops them once their deadline passes.
 *
 * <p>Delivery: this class, not Paho, owns every unacknowledged publish. Each connection attempt
 * uses a fresh Paho client (so a stranded Paho thread or a half-dead socket of an old attempt can
 * never stop the next one, and Paho never resends an old copy with a stale expiry); publishes not
 * acknowledged when a connection ends go back to the front of the outbox and are sent again with
 * the Message Expiry Interval recomputed from their deadline, or dropped once it has passed.
 * A publish not acknowledged within {@link MqttSettings#ackTimeout()}, while nothing else came from
 * the broker either, takes the connection as dead (a silent link); a broker that is slow but still
 * talking (other acknowledgements, messages) is waited for, and after a connection was given up
 * for a late acknowledgement, the next waits twice as long, up to 8 times (so a fleet that
 * reconnects at once to a loaded broker does not give up on it again and again: measured by
 * scripts/bench-fleet); one prompt acknowledgement sets it back. The client advertises {@link MqttSettings#maxPacketSize()} so that the
 * broker discards, rather than sends, a message too big for it. Deadlines are kept on the
 * monotonic clock once a message is handed in.
 *
 * <p>Threading: one thread, {@code openbell-mqtt-<clientId>}, owns all state. Paho's callbacks
 * only hand events to it, and Paho is called only from it (never from a Paho callback thread,
 * which can deadlock). Handlers and listeners run on it and must not block.
 */
public final class MqttLink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MqttLink.class);
    /** Publishes in flight at once on one connection (below any broker's Receive Maximum worth having). */
    private static final int MAX_IN_FLIGHT = 16;
    private static final long NO_DEADLINE = Long.MAX_VALUE;

    /** {@code retained} receives the messages the broker replays from its retained store on subscribing (null: {@code handler} does). */
    private record Subscription(String filter, int qos, MessageHandler handler, MessageHandler retained) {
    }

    /** A message handed to {@link #publish}; owned by the loop thread. */
    private static final class Pending {
        final Outgoing message;
        final CompletableFuture<Void> done;
        final long deadline; // System.nanoTime(), or NO_DEADLINE
        long sentAt; // System.nanoTime() of the latest send, 0 before

        Pending(Outgoing message, CompletableFuture<Void> done, long deadline) {
            this.message = message;
            this.done = done;
            this.deadline = deadline;
        }

        boolean expired(long now) {
            return deadline != NO_DEADLINE && now - deadline >= 0;
        }
    }

    /** One connection attempt: its own Paho client and threads, dropped as a whole when it ends. */
    private final class Connection {
        final int number;
        final String uri;
        final MqttAsyncClient client;
        final PahoThreads threads;

        Connection(int number, String uri) throws MqttException {
            this.number = number;
            this.uri = uri;
            AtomicInteger n = new AtomicInteger();
            this.threads = new PahoThreads(4, r -> Thread.ofPlatform().daemon()
                    .name("paho-" + settings.clientId() + "-" + number + "-" + n.incrementAndGet()).unstarted(r));
            try {
                this.client = new MqttAsyncClient(uri, settings.clientId(), new MemoryPersistence(), null, threads);
            } catch (MqttException | RuntimeException e) {
                threads.shutdownNow();
                throw e;
            }
            client.setCallback(new PahoEvents(this));
        }

        /** Closes the client and its threads off the loop thread (Paho's teardown can block). */
        void drop() {
            Thread.ofVirtual().name("paho-drop-" + settings.clientId() + "-" + number).start(() -> {
                try {
                    client.disconnectForcibly(0, 1000, false);
                } catch (MqttException | RuntimeException e) {
                    log.trace("Dropping connection {}: {}", number, e.toString());
                }
                try {
                    client.close(true);
                } catch (MqttException | RuntimeException e) {
                    log.trace("Closing connection {}: {}", number, e.toString());
                }
                threads.shutdownNow();
            });
        }
    }

    private final MqttSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService loop;
    private final javax.net.ssl.SSLSocketFactory tlsSockets;
    private volatile String lastConnectFailure;
    private final Backoff backoff;
    private final Backoff liveBackoff;
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();

    // Owned by the loop thread.
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final Deque<Pending> outbox = new ArrayDeque<>();
    private final Set<Pending> inFlight = new LinkedHashSet<>();
    private LinkState state = LinkState.DISCONNECTED;
    private Connection current;
    /** When the broker was last heard on the current connection (CONNACK, an acknowledgement, a message), System.nanoTime(). */
    private long lastHeard;
    /** How long a publish may wait for its acknowledgement now: {@link MqttSettings#ackTimeout()}, more after a late one. */
    private long ackTimeoutNanos;
    private int attempts;
    /** Which of the broker URIs the next attempt goes to; it moves on when a node fails. */
    private int serverIndex;
    private volatile String connectedTo;
    private boolean cleanStartNext;
    /** Whether {@link #open()} was called: no attempt is made before. */
    private boolean opened;
    private ScheduledFuture<?> retry;
    private long retryAt;
    private volatile LinkState stateView = LinkState.DISCONNECTED;
    private volatile Connection currentView;

    private MqttLink(MqttSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        String threadName = "openbell-mqtt-" + settings.clientId();
        this.loop = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name(threadName).factory());
        this.ackTimeoutNanos = settings.ackTimeout().toNanos();
        this.tlsSockets = settings.tls() ? TlsSockets.factory(settings.caFile()) : null;
        this.backoff = new Backoff(settings.backoffInitial(), settings.backoffMax(), new Random());
        Duration liveMax = settings.liveBackoffMax().compareTo(settings.backoffMax()) < 0 ? settings.liveBackoffMax() : settings.backoffMax();
        Duration liveMin = settings.backoffInitial().compareTo(liveMax) < 0 ? settings.backoffInitial() : liveMax;
        this.liveBackoff = new Backoff(liveMin, liveMax, new Random());
    }

    /** Creates the link and starts connecting in the background; a broker that is down is not an error. */
    public static MqttLink start(MqttSettings settings) {
        return start(settings, Clock.systemUTC());
    }

    /** As {@link #start(MqttSettings)}; {@code clock} is the one deadlines ({@link Outgoing#expiresAt()}) are read on. */
    public static MqttLink start(MqttSettings settings, Clock clock) {
        MqttLink link = create(settings, clock);
        link.open();
        return link;
    }

    /**
     * Creates the link without connecting: it takes subscriptions and queues publishes (their
     * deadlines run) until {@link #open()}, so the parts that send through it can be built before
     * the ones that handle what it receives.
     */
    public static MqttLink create(MqttSettings settings, Clock clock) {
        return new MqttLink(settings, clock);
    }

    /** Starts connecting in the background (once; later calls do nothing). */
    public void open() {
        onLoop(() -> {
            if (!opened) {
                opened = true;
                connect();
            }
        });
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
        onLoop(() -> {
            subscriptions.add(subscription);
            if (state == LinkState.CONNECTED) {
                sendSubscriptions(current, List.of(subscription));
            }
        });
    }

    /**
     * Publishes, or queues until connected. The future completes when the broker acknowledged a
     * QoS 1/2 message (or a QoS 0 message was written); it fails with
     * {@link MessageExpiredException} if the deadline passed before the broker took it and with
     * {@link PublishRejectedException} if the broker refused it.
     */
    public CompletableFuture<Void> publish(Outgoing message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        long size = packetSize(message);
        if (size > settings.maxPacketSize()) {
            // Paho would write it, fail, drop the connection, and we would send it again on the next one: refuse it here.
            done.completeExceptionally(new IllegalArgumentException("a " + size + "-byte packet to " + message.topic()
                    + " is over the " + settings.maxPacketSize() + "-byte limit"));
            return done;
        }
        long deadline = message.expiresAt()
                .map(t -> System.nanoTime() + Math.max(0, Math.min(Duration.between(clock.instant(), t).toNanos(), Long.MAX_VALUE / 4)))
                .orElse(NO_DEADLINE);
        Pending pending = new Pending(message, done, deadline);
        try {
            loop.execute(guarded(() -> {
                outbox.addLast(pending);
                watchDeadline(pending);
                pump();
                if (state == LinkState.DISCONNECTED && pending.deadline != NO_DEADLINE) {
                    hurryReconnect();
                }
                trimOutbox();
            }));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            done.completeExceptionally(new IllegalStateException("the MQTT link is closed"));
        }
        return done;
    }

    /** An upper bound of the PUBLISH packet's size: fixed header, topic, packet id, expiry property, payload. */
    private static long packetSize(Outgoing message) {
        return 1 + 4 + 2 + message.topic().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 2 + 1 + 5 + 4
                + message.payload().length;
    }

    public void addConnectionListener(ConnectionListener listener) {
        listeners.add(listener);
    }

    /** Connected now: the link's state is CONNECTED and its client's socket is open. */
    public boolean isConnected() {
        Connection c = currentView;
        return stateView == LinkState.CONNECTED && c != null && c.client.isConnected();
    }

    public LinkState state() {
        return stateView;
    }

    /** Why the latest connection attempt failed or the connection ended, in plain words; empty once connected. */
    /** The broker URI this link is connected to now (one of a cluster's nodes), if connected. */
    public Optional<String> connectedServer() {
        return Optional.ofNullable(connectedTo);
    }

    public Optional<String> lastConnectFailure() {
        return isConnected() ? Optional.empty() : Optional.ofNullable(lastConnectFailure);
    }

    private void transition(LinkState to, String why) {
        if (!state.next().contains(to)) {
            throw new IllegalStateException("MQTT link " + settings.clientId() + ": " + state + " -> " + to + " is not allowed (" + why + ")");
        }
        log.debug("MQTT link {}: {} -> {} ({})", settings.clientId(), state, to, why);
        state = to;
        stateView = to;
    }

    private void connect() {
        if (state != LinkState.DISCONNECTED || !opened) {
            return;
        }
        cancelRetry();
        Connection c;
        String uri = settings.serverUris().get(serverIndex);
        try {
            c = new Connection(++attempts, uri);
        } catch (MqttException | RuntimeException e) {
            lastConnectFailure = describe(e);
            nextServer();
            scheduleReconnect("cannot create a client for " + uri + ": " + lastConnectFailure);
            return;
        }
        current = c;
        currentView = c;
        transition(LinkState.CONNECTING, "attempt " + c.number);
        boolean cleanStart = cleanStartNext;
        cleanStartNext = false;
        try {
            c.client.connect(options(c.uri, cleanStart), null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    onLoop(() -> connected(c, token.getSessionPresent()));
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    onLoop(() -> connectFailed(c, cause));
                }
            });
        } catch (MqttException | RuntimeException e) {
            connectFailed(c, e);
            return;
        }
        // Paho may never answer (a stranded connect thread): give up on this client after its timeout.
        long limit = settings.connectTimeout().toMillis() + 2000;
        loop.schedule(guarded(() -> connectFailed(c, new TimeoutException("no answer from the broker within " + limit + " ms"))),
                limit, TimeUnit.MILLISECONDS);
    }

    private MqttConnectionOptions options(String uri, boolean cleanStart) {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(cleanStart);
        options.setSessionExpiryInterval(settings.sessionExpiry().toSeconds());
        options.setKeepAliveInterval((int) Math.min(65535, settings.keepAlive().toSeconds()));
        options.setConnectionTimeout((int) Math.max(1, settings.connectTimeout().toSeconds()));
        options.setAutomaticReconnect(false);
        options.setMaximumPacketSize(settings.maxPacketSize());
        if (uri.startsWith("tcp://")) {
            options.setSocketFactory(new NoDelaySocketFactory()); // small, latency-bound messages: no Nagle
        } else if (MqttSettings.tls(uri)) {
            options.setSocketFactory(tlsSockets); // the configured CA (or the JDK's), TLS 1.2+, no Nagle
            options.setHttpsHostnameVerificationEnabled(true); // the broker's name must match its certificate
        }
        settings.username().ifPresent(options::setUserName);
        settings.password().ifPresent(p -> options.setPassword(p.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        settings.will().map(java.util.function.Supplier::get).ifPresent(will -> {
            MqttMessage message = new MqttMessage(will.payload(), will.qos(), will.retained(), null);
            options.setWill(will.topic(), message);
        });
        return options;
    }

    private void connected(Connection c, boolean sessionPresent) {
        if (c != current || state != LinkState.CONNECTING) {
            return; // an abandoned attempt
        }
        if (!c.client.isConnected()) {
            // The socket closed between the CONNACK and now (e.g. the broker's next packet was one
            // this client refuses): the loss was reported while connecting; this attempt failed.
            connectFailed(c, new IllegalStateException("the connection closed right after the broker accepted it"));
            return;
        }
        lastHeard = System.nanoTime();
        transition(LinkState.CONNECTED, "CONNACK on attempt " + c.number);
        backoff.reset();
        liveBackoff.reset();
        connectedTo = c.uri;
        log.info("MQTT connected to {} as {} (session {})", c.uri, settings.clientId(),
                sessionPresent ? "resumed" : "new");
        sendSubscriptions(c, subscriptions);
        settings.birth().map(java.util.function.Supplier::get).ifPresent(birth -> outbox.addFirst(new Pending(birth, new CompletableFuture<>(), NO_DEADLINE)));
        pump();
        notifyListeners(true, Optional.empty());
    }

    private void connectFailed(Connection c, Throwable cause) {
        if (c != current || state != LinkState.CONNECTING) {
            return;
        }
        lastConnectFailure = describe(cause);
        forget(c);
        nextServer();
        transition(LinkState.DISCONNECTED, "attempt " + c.number + " failed");
        scheduleReconnect("connect to " + c.uri + " failed: " + lastConnectFailure
                + (settings.serverUris().size() > 1 ? "; next: " + settings.serverUris().get(serverIndex) : ""));
    }

    /** The connection {@code c} ended (reported by Paho, or taken as dead by us). */
    private void connectionLost(Connection c, Throwable cause) {
        if (c != current) {
            return;
        }
        if (state == LinkState.CONNECTING) {
            connectFailed(c, cause);
            return;
        }
        if (state != LinkState.CONNECTED) {
            return;
        }
        if (cause instanceof MqttException e && e.getReasonCode() == MqttClientException.REASON_CODE_INCOMING_PACKET_TOO_LARGE) {
            // A broker that ignores our Maximum Packet Size would resend the message at every
            // reconnect of the resumed session: start a clean one instead, once.
            log.error("The broker sent a packet over {} bytes although this client said it takes none: starting a clean session",
                    settings.maxPacketSize());
            cleanStartNext = true;
        }
        lastConnectFailure = "connection lost: " + describe(cause);
        log.warn("MQTT connection to {} lost: {}", c.uri, describe(cause));
        forget(c);
        nextServer(); // the node may be gone: a cluster's next node takes over (one broker: the same again)
        // What the broker did not acknowledge is sent again on the next connection, in order.
        List<Pending> unacknowledged = new ArrayList<>(inFlight);
        inFlight.clear();
        for (int i = unacknowledged.size() - 1; i >= 0; i--) {
            outbox.addFirst(unacknowledged.get(i)); // QoS 0 too: Paho may not have written it, and its future must complete
        }
        transition(LinkState.DISCONNECTED, "connection " + c.number + " lost");
        notifyListeners(false, Optional.ofNullable(cause));
        scheduleReconnect("reconnecting");
    }

    private void forget(Connection c) {
        current = null;
        currentView = null;
        connectedTo = null;
        c.drop();
    }

    /**
     * The next attempt goes to the next broker URI (round the list), with a clean session: the old
     * one lives on the node left behind (RabbitMQ keeps a session's queue on the node it was made on;
     * resuming it on another node waits for that node, which may be dead). What it held for the link
     * were owner commands of a few seconds' life; the subscriptions are made again on every connect.
     */
    private void nextServer() {
        if (settings.serverUris().size() > 1) {
            serverIndex = (serverIndex + 1) % settings.serverUris().size();
            cleanStartNext = true;
        }
    }

    private boolean liveMessageWaiting() {
        for (Pending p : outbox) {
            if (p.deadline != NO_DEADLINE) {
                return true;
            }
        }
        return false;
    }

    private void scheduleReconnect(String why) {
        if (state != LinkState.DISCONNECTED) {
            return;
        }
        Duration slow = backoff.next();
        Duration delay = liveMessageWaiting() ? min(slow, liveBackoff.next()) : slow;
        if (retry != null && !retry.isDone()) {
            if (retryAt - System.nanoTime() <= delay.toNanos()) {
                log.info("MQTT {}: next attempt already due in {} ms", why, Math.max(0, (retryAt - System.nanoTime()) / 1_000_000));
                return;
            }
            cancelRetry();
        }
        log.info("MQTT {}: next attempt in {} ms", why, delay.toMillis());
        retryAt = System.nanoTime() + delay.toNanos();
        retry = loop.schedule(guarded(this::connect), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A message with a deadline waits while disconnected: the next attempt must not wait out a long backoff. */
    private void hurryReconnect() {
        if (!opened) {
            return; // open() connects at once
        }
        Duration live = liveBackoff.next();
        if (retry == null || retry.isDone() || retryAt - System.nanoTime() > live.toNanos()) {
            cancelRetry();
            log.info("MQTT: a message with a deadline waits; next attempt in {} ms", live.toMillis());
            retryAt = System.nanoTime() + live.toNanos();
            retry = loop.schedule(guarded(this::connect), live.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void cancelRetry() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private void sendSubscriptions(Connection c, List<Subscription> toSend) {
        sendSubscriptions(c, toSend, 0);
    }

    /**
     * SUBACK codes that say what a subscription is (not authorized, a bad filter, a feature the
     * broker lacks): asking again would not change them. Any other refusal (128 unspecified, 131
     * implementation specific, 151 quota exceeded: a RabbitMQ node under a reconnecting fleet
     * answered 128, measured by scripts/bench-fleet) is asked again on the same connection, a doorbell
     * deaf to its owners until its next reconnect being no doorbell.
     */
    static final java.util.Set<Integer> FINAL_SUBSCRIBE_REFUSALS = java.util.Set.of(135, 143, 158, 161, 162);

    private void subscribeAgain(Connection c, List<Subscription> again, int attempt, int[] codes) {
        if (c != current || state == LinkState.CLOSED) {
            return; // the next connection subscribes to everything anyway
        }
        long delay = Math.min(settings.backoffMax().toMillis(), settings.backoffInitial().toMillis() << Math.min(attempt, 10));
        log.warn("Broker refused {} subscription(s) for now (reason code {}, e.g. {}); asking again in {} ms", again.size(),
                codes.length > 0 ? codes[0] : -1, LogSafe.text(again.getFirst().filter()), delay);
        loop.schedule(guarded(() -> {
            if (c == current && state == LinkState.CONNECTED) {
                List<Subscription> still = again.stream().filter(subscriptions::contains).toList();
                sendSubscriptions(c, still, attempt);
            }
        }), delay, TimeUnit.MILLISECONDS);
    }

    private void sendSubscriptions(Connection c, List<Subscription> toSend, int attempt) {
        if (toSend.isEmpty()) {
            return;
        }
        MqttSubscription[] request = toSend.stream()
                .map(s -> new MqttSubscription(s.filter(), s.qos())).toArray(MqttSubscription[]::new);
        try {
            c.client.subscribe(request, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    onLoop(() -> {
                        if (c == current) {
                            lastHeard = System.nanoTime();
                        }
                    });
                    int[] codes = token.getReasonCodes();
                    List<Subscription> again = new ArrayList<>();
                    for (int i = 0; codes != null && i < codes.length && i < request.length; i++) {
                        if (codes[i] >= 0x80 && !FINAL_SUBSCRIBE_REFUSALS.contains(codes[i])) {
                            again.add(toSend.get(i));
                        } else if (codes[i] >= 0x80) {
                            log.error("Broker refused the subscription to {} (reason code {})", request[i].getTopic(), codes[i]);
                        }
                    }
                    if (!again.isEmpty()) {
                        onLoop(() -> subscribeAgain(c, again, attempt + 1, codes));
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

    /** Sends from the front of the outbox while connected and fewer than {@link #MAX_IN_FLIGHT} wait for the broker. */
    private void pump() {
        while (state == LinkState.CONNECTED && !outbox.isEmpty() && inFlight.size() < MAX_IN_FLIGHT) {
            send(current, outbox.pollFirst());
        }
    }

    private void send(Connection c, Pending pending) {
        Outgoing m = pending.message;
        long now = System.nanoTime();
        if (pending.expired(now)) {
            expire(pending);
            return;
        }
        MqttMessage message = new MqttMessage(m.payload(), m.qos(), m.retained(), null);
        if (pending.deadline != NO_DEADLINE) {
            MqttProperties properties = new MqttProperties();
            long millis = (pending.deadline - now) / 1_000_000;
            properties.setMessageExpiryInterval(Math.max(1, (millis + 999) / 1000));
            message.setProperties(properties);
        }
        inFlight.add(pending);
        try {
            c.client.publish(m.topic(), message, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] codes = token.getReasonCodes();
                    int code = codes != null && codes.length > 0 ? codes[0] : 0;
                    onLoop(() -> acknowledged(pending, code));
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    onLoop(() -> publishFailed(c, pending, cause));
                }
            });
        } catch (MqttException | RuntimeException e) {
            publishFailed(c, pending, e);
            return;
        }
        if (m.qos() > 0) {
            pending.sentAt = now;
            watchAcknowledgement(c, pending, now);
        }
    }

    /** Takes {@code c} as dead if {@code pending} is not acknowledged in time and nothing was heard from the broker since {@code since}. */
    private void watchAcknowledgement(Connection c, Pending pending, long since) {
        long timeout = ackTimeoutNanos;
        loop.schedule(guarded(() -> {
            if (c != current || !inFlight.contains(pending)) {
                return;
            }
            if (lastHeard - since > 0) {
                log.debug("No acknowledgement of a publish to {} yet, but the broker is talking: waiting on", pending.message.topic());
                watchAcknowledgement(c, pending, lastHeard);
                return;
            }
            long waited = (System.nanoTime() - pending.sentAt) / 1_000_000;
            ackTimeoutNanos = Math.min(timeout * 2, settings.ackTimeout().toNanos() * 8);
            connectionLost(c, new TimeoutException("the broker did not acknowledge a publish to " + pending.message.topic()
                    + " within " + waited + " ms and sent nothing else: the connection is taken as dead"));
        }), timeout, TimeUnit.NANOSECONDS);
    }

    private void acknowledged(Pending pending, int code) {
        long now = System.nanoTime();
        if (inFlight.contains(pending)) {
            lastHeard = now;
            if (pending.sentAt != 0 && now - pending.sentAt < settings.ackTimeout().toNanos()) {
                ackTimeoutNanos = settings.ackTimeout().toNanos(); // prompt again
            }
        }
        // Also from an earlier connection, whose acknowledgement arrived after we gave up on it:
        // then the broker has the message, and it must not be sent a second time.
        inFlight.remove(pending);
        outbox.remove(pending);
        if (code >= 0x80) {
            pending.done.completeExceptionally(new PublishRejectedException(pending.message.topic(), code));
        } else {
            pending.done.complete(null);
        }
        pump();
    }

    private void publishFailed(Connection c, Pending pending, Throwable cause) {
        if (pending.done.isDone() || !inFlight.contains(pending)) {
            return;
        }
        if (c != current || state != LinkState.CONNECTED) {
            return; // the loss of that connection put it back in the outbox
        }
        // A publish fails on a live connection only when the connection is going: resend on the next one.
        connectionLost(c, cause);
    }

    /** Drops {@code pending} from the outbox when its deadline passes there. */
    private void watchDeadline(Pending pending) {
        if (pending.deadline == NO_DEADLINE) {
            return;
        }
        loop.schedule(guarded(() -> {
            if (outbox.remove(pending)) {
                expire(pending);
            }
        }), Math.max(0, pending.deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void trimOutbox() {
        while (outbox.size() > settings.maxQueued()) {
            Pending dropped = outbox.pollFirst();
            log.warn("Outbox full ({} messages): dropped the oldest, to {}", settings.maxQueued(), dropped.message.topic());
            dropped.done.completeExceptionally(new IllegalStateException("dropped: outbox full"));
        }
    }

    private void expire(Pending pending) {
        String deadline = pending.message.expiresAt().map(Instant::toString).orElse("?");
        log.info("Dropped a message to {}: its deadline {} passed before the broker took it", pending.message.topic(), deadline);
        pending.done.completeExceptionally(new MessageExpiredException(
                "not delivered before " + deadline + ": " + pending.message.topic()));
    }

    private void deliver(String topic, byte[] payload, boolean retained) {
        boolean matched = false;
        for (Subscription s : subscriptions) {
            if (TopicFilter.matches(s.filter(), topic)) {
                matched = true;
                try {
                    (retained && s.retained() != null ? s.retained() : s.handler()).onMessage(topic, payload);
                } catch (RuntimeException e) {
                    log.error("Handler for {} failed on a message to {}: {}", s.filter(), LogSafe.text(topic), e.toString(), e);
                }
            }
        }
        if (!matched) {
            log.debug("Message to {} matched no subscription", LogSafe.text(topic));
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
            loop.execute(guarded(task));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: nothing left to do
        }
    }

    /** A loop task whose failure is logged (an executor would keep it silently in a future nobody reads). */
    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | LinkageError | AssertionError e) {
                log.error("MQTT link {}: a task failed: {}", settings.clientId(), e.toString(), e);
            }
        };
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
                try {
                    closeOnLoop();
                } finally {
                    stopped.complete(null);
                }
            });
            stopped.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return; // already closed
        } catch (Exception e) {
            log.warn("MQTT link {} did not close cleanly: {}", settings.clientId(), describe(e));
        } finally {
            loop.shutdownNow();
            try {
                loop.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeOnLoop() {
        if (state == LinkState.CLOSED) {
            return;
        }
        boolean wasConnected = state == LinkState.CONNECTED;
        transition(LinkState.CLOSED, "closed");
        cancelRetry();
        for (Pending p : outbox) {
            p.done.completeExceptionally(new IllegalStateException("the MQTT link is closed"));
        }
        for (Pending p : inFlight) {
            p.done.completeExceptionally(new IllegalStateException("the MQTT link is closed"));
        }
        outbox.clear();
        inFlight.clear();
        Connection c = current;
        current = null;
        currentView = null;
        if (c != null) {
            try {
                if (c.client.isConnected()) {
                    c.client.disconnect(2000).waitForCompletion(3000);
                }
            } catch (MqttException | RuntimeException e) {
                log.debug("Disconnect: {}", describe(e));
            }
            c.drop();
        }
        if (wasConnected) {
            notifyListeners(false, Optional.empty());
        }
    }

    /** Paho's callbacks for one connection: each only hands the event to the loop thread. */
    private final class PahoEvents implements MqttCallback {
        private final Connection connection;

        PahoEvents(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            Throwable cause = response.getException() != null ? response.getException()
                    : new IllegalStateException("broker disconnected: reason " + response.getReturnCode()
                            + (response.getReasonString() == null ? "" : " " + LogSafe.text(response.getReasonString())));
            onLoop(() -> connectionLost(connection, cause));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            log.warn("MQTT protocol error: {}", describe(exception));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            byte[] payload = message.getPayload();
            boolean retained = message.isRetained();
            // Delivered even from a connection we have given up on: Paho acknowledges it to the broker
            // when this returns, so dropping it would lose it (receivers are idempotent).
            onLoop(() -> {
                if (connection == current) {
                    lastHeard = System.nanoTime();
                }
                if (state != LinkState.CLOSED) {
                    deliver(topic, payload, retained);
                }
            });
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
