package org.openbell.agent;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.openbell.agent.broker.EmbeddedBroker;
import org.openbell.agent.broker.EmbeddedBrokerAccounts;
import org.openbell.agent.call.CallController;
import org.openbell.agent.call.IceServers;
import org.openbell.agent.call.MediaConfig;
import org.openbell.agent.call.SimulatedSound;
import org.openbell.agent.config.AgentConfig;
import org.openbell.agent.owners.OwnerStore;
import org.openbell.agent.owners.Pairing;
import org.openbell.agent.owners.PairingCodes;
import org.openbell.agent.push.WebPush;
import org.openbell.agent.ring.RingController;
import org.openbell.agent.ring.RingJournal;
import org.openbell.agent.ring.RingSignals;
import org.openbell.agent.ring.RingState;
import org.openbell.agent.ring.RingSnapshot;
import org.openbell.agent.ring.Timers;
import org.openbell.agent.signaling.DeviceSignaling;
import org.openbell.agent.web.TlsIdentity;
import org.openbell.agent.web.WebServer;
import org.openbell.hardware.Board;
import org.openbell.hardware.Boards;
import org.openbell.hardware.HardwareConfig;
import org.openbell.hardware.SimulatedBoard;
import org.openbell.signaling.CallMessage;
import org.openbell.signaling.Ids;
import org.openbell.signaling.PushSubscribe;
import org.openbell.signaling.PushUnsubscribe;
import org.openbell.signaling.Ring;
import org.openbell.signaling.RingEnded;
import org.openbell.signaling.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running doorbell: the parts opened in order (board, TLS identity, broker, ring
 * controller, MQTT signaling, web server) and closed in reverse.
 */
public final class Agent implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final AgentConfig config;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private Board board;
    private RingController ring;
    private CallController calls;
    private volatile DeviceSignaling signaling;
    private WebServer web;
    private String webSocketUrl;
    /** The embedded broker's WebSocket, served on the owner app's own origin at /mqtt. */
    private Optional<WebServer.MqttWebSocket> sameOriginMqtt = Optional.empty();
    private SimulatedSound sound;
    private Pairing pairing;
    private WebPush push;
    /**
     * The one thread rings and calls run on (RingController, CallController and its media workers'
     * events, their timers): their state needs no locks, and the watchdog checks this thread.
     */
    private ScheduledExecutorService ringsAndCalls;

    private final Function<HardwareConfig, Board> boards;
    private final Clock clock;

    private Agent(AgentConfig config, Function<HardwareConfig, Board> boards, Clock clock) {
        this.config = config;
        this.boards = boards;
        this.clock = clock;
    }

    /** Starts every part; on failure closes what was already opened and rethrows. */
    public static Agent start(AgentConfig config) {
        return start(config, Boards::open);
    }

    /** As {@link #start(AgentConfig)}, with the board opened by {@code boards} (the hardware seam for tests). */
    public static Agent start(AgentConfig config, Function<HardwareConfig, Board> boards) {
        return start(config, boards, Clock.systemUTC());
    }

    /** As {@link #start(AgentConfig, Function)}, with the wall clock {@code clock} (tests of a doorbell whose clock is wrong). */
    public static Agent start(AgentConfig config, Function<HardwareConfig, Board> boards, Clock clock) {
        Agent agent = new Agent(config, boards, clock);
        try {
            agent.open();
            return agent;
        } catch (RuntimeException | Error e) {
            agent.close();
            throw e;
        }
    }

    private void open() {
        long t0 = System.nanoTime();
        log.info("Openbell {} starting: doorbell '{}' ({})", version(), config.device().id(), config.device().name());

        board = own(boards.apply(config.hardware()));
        log.info("Hardware: {}", board.description());

        TlsIdentity tls = TlsIdentity.loadOrGenerate(config.web().keystore().orElse(null),
                config.web().keystorePassword().orElse(null), config.stateDir());

        OwnerStore owners = config.pairingEnabled() ? OwnerStore.open(config.stateDir().resolve("owners.json")) : null;
        DeviceSignaling.Broker broker;
        EmbeddedBrokerAccounts accounts = null;
        if (config.mqtt().brokerUri().isPresent()) {
            broker = DeviceSignaling.Broker.configured(config);
            webSocketUrl = config.mqtt().webSocketUrl().orElseThrow();
        } else {
            if (!config.embeddedBroker().anonymous()) {
                accounts = new EmbeddedBrokerAccounts(new Topics(config.mqtt().topicPrefix()), config.device().id(), owners.owners());
            }
            EmbeddedBroker embedded = own(EmbeddedBroker.start(config.embeddedBroker(), tls, config.stateDir().resolve("broker"), accounts,
                    config.device().id()));
            broker = accounts == null ? new DeviceSignaling.Broker(embedded.tcpUri(), Optional.empty(), Optional.empty())
                    : new DeviceSignaling.Broker(embedded.tcpUri(), Optional.of(accounts.deviceUsername()), Optional.of(accounts.devicePassword()));
            var ws = config.embeddedBroker();
            java.net.InetAddress wsAddress;
            try {
                wsAddress = java.net.InetAddress.getByName(ws.webSocketBind());
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException("embeddedBroker.webSocketBind: " + e.getMessage(), e);
            }
            if (wsAddress.isAnyLocalAddress()) {
                wsAddress = java.net.InetAddress.getLoopbackAddress();
            }
            sameOriginMqtt = Optional.of(new WebServer.MqttWebSocket(new java.net.InetSocketAddress(wsAddress, ws.webSocketPort()),
                    ws.webSocketTls() ? tls.trustingItself().getSocketFactory() : javax.net.SocketFactory.getDefault()));
            // Phones reach the broker through the page's own origin: one certificate to accept.
            webSocketUrl = config.mqtt().webSocketUrl().orElse("wss://{hostport}/mqtt");
        }

        ringsAndCalls = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("openbell-rings-and-calls").factory());
        own(ringsAndCalls::shutdownNow);
        // The controller publishes through the signaling, which feeds owner messages back to it:
        // the controller is built first, with a RingSignals that forwards once signaling is up.
        ring = new RingController(config.device().id(), config.ring().timeout(), clock, ringsAndCalls, Timers.on(ringsAndCalls),
                board.chime(), board.statusLed(), new ForwardingSignals(), Ids::newRingId);
        ring.brokerConnection(false);
        RingJournal journal = own(new RingJournal(config.stateDir().resolve("ring-in-progress")));
        Optional<String> interrupted = journal.takeInterrupted();
        ring.addListener(journal);
        MediaConfig media = config.media();
        if (media.simulatedSound()) {
            sound = own(SimulatedSound.start(config.stateDir().resolve("sound"), media.toneHz()));
            media = media.withPulseServer(sound.server());
        }
        calls = own(new CallController(config.device().id(), media, clock, ringsAndCalls, Timers.on(ringsAndCalls),
                (owner, message) -> signaling.toOwner(owner, message), Ids::newSessionId));
        ring.addListener((from, to, snapshot) -> {
            if (to == RingState.ANSWERED) {
                snapshot.lastEnded().flatMap(RingEnded::by).ifPresent(owner -> calls.start(owner, snapshot.lastEnded().get().ringId()));
            }
        });
        if (config.push().enabled()) {
            push = own(WebPush.start(config.push(), config.stateDir(), config.device().id(), clock,
                    (owner, message) -> signaling.toOwner(owner, message)));
        }
        signaling = own(DeviceSignaling.start(config, broker, clock, (owner, message) -> {
            if (message instanceof CallMessage call) {
                calls.ownerMessage(owner, call);
            } else if (message instanceof PushSubscribe || message instanceof PushUnsubscribe) {
                pushMessage(owner, message);
            } else {
                ring.ownerMessage(owner, message);
            }
        }, (connected, cause) -> ring.brokerConnection(connected)));
        if (push != null) {
            signaling.announcePushKey(push.publicKey());
        }
        interrupted.ifPresent(ring::interruptedBeforeStart); // queued until the link is up: phones stop ringing for it
        if (owners != null) {
            pairing = new Pairing(owners,
                    new PairingCodes(clock, config.pairing().codeTtl(), config.pairing().failuresPerMinute()),
                    accounts != null ? accounts : signaling::askRegistrar, clock);
            log.info("Pairing on: {} phone(s) paired", pairing.owners().size());
            if (push != null) {
                pairing.onRemoved(push::forgetOwner);
                push.keepOnly(pairing.owners().stream().map(o -> o.id()).collect(java.util.stream.Collectors.toSet()));
            }
        }
        board.button().setListener(press -> {
            ring.press(press);
            if (pairing != null) {
                pairing.buttonPressed();
            }
        });

        web = own(WebServer.start(config.web().bind(), config.web().port(), tls, new WebApi(this), sameOriginMqtt));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long sinceJvm = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        log.info("Openbell ready in {} ms ({} ms since JVM start): owner app https://localhost:{}/ , demo page https://localhost:{}/demo",
                ms, sinceJvm, web.port(), web.port());
    }

    /** push-subscribe / push-unsubscribe: to the push side, or refused when push is off. */
    private void pushMessage(String owner, org.openbell.signaling.Message message) {
        if (push != null) {
            push.ownerMessage(owner, message);
            return;
        }
        String endpoint = message instanceof PushSubscribe s ? s.endpoint() : ((PushUnsubscribe) message).endpoint();
        signaling.toOwner(owner, new org.openbell.signaling.PushStatus(config.device().id(), endpoint,
                org.openbell.signaling.PushStatus.State.REFUSED,
                Optional.of(org.openbell.signaling.PushStatus.Reason.PUSH_OFF), clock.instant()));
    }

    private <T extends AutoCloseable> T own(T part) {
        opened.push(part);
        return part;
    }

    public AgentConfig config() {
        return config;
    }

    public Board board() {
        return board;
    }

    public RingController ring() {
        return ring;
    }

    public CallController calls() {
        return calls;
    }

    public DeviceSignaling signaling() {
        return signaling;
    }

    public int webPort() {
        return web.port();
    }

    /** Whether the rings-and-calls thread still runs tasks (within 2 s): what the service watchdog checks. */
    public boolean healthy() {
        try {
            ringsAndCalls.submit(() -> { }).get(2, java.util.concurrent.TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** A line for the service manager: which doorbell, how connected. */
    public String statusLine() {
        return "doorbell " + config.device().id() + ", " + board.description() + ", broker "
                + (signaling.isConnected() ? "connected" : "not connected");
    }

    /** Presses the simulated button; false on real hardware. */
    public boolean simulatePress() {
        if (board instanceof SimulatedBoard simulated) {
            simulated.press();
            return true;
        }
        return false;
    }

    /** Pairing phones; empty with an open (demo) broker. */
    public java.util.Optional<Pairing> pairing() {
        return java.util.Optional.ofNullable(pairing);
    }

    /** What the page of a paired owner (or any page, with an open broker) needs (GET /api/config). */
    public Map<String, Object> pageConfig() {
        return pageConfig(true);
    }

    /**
     * GET /api/config for a request with {@code authorization}: with pairing on, a page that is
     * not a paired owner's learns only that it must pair (no broker address, no TURN credentials).
     */
    public Map<String, Object> pageConfig(String authorization) {
        boolean owner = pairing == null || pairing.authenticate(authorization).isPresent();
        return pageConfig(owner);
    }

    private Map<String, Object> pageConfig(boolean owner) {
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("deviceId", config.device().id());
        page.put("deviceName", config.device().name());
        page.put("topicPrefix", config.mqtt().topicPrefix());
        page.put("brokerUrl", webSocketUrl);
        page.put("simulated", board instanceof SimulatedBoard);
        page.put("protocolVersion", 1);
        page.put("pairing", pairing == null ? "off" : owner ? "paired" : "required");
        if (!owner) {
            page.remove("brokerUrl");
            page.put("buttonPairing", pairing.buttonPairingOpen());
            return page;
        }
        config.web().ownerAppUrl().ifPresent(url -> page.put("ownerAppUrl", url));
        if (push != null) {
            page.put("pushKey", push.publicKey());
        }
        // Fresh TURN credentials with each page load; the shared secret never leaves the device.
        page.put("iceServers", IceServers.forPage(config.media().iceServers(), config.device().id(), java.time.Instant.now()));
        return page;
    }

    /** The doorbell's state (GET /api/status). */
    public Map<String, Object> status() {
        RingSnapshot s = ring.snapshot();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("deviceId", config.device().id());
        status.put("state", s.state().name());
        status.put("ringId", s.ringId().orElse(null));
        status.put("presses", s.presses());
        status.put("ringAt", s.ringStartedAt().map(java.time.Instant::toEpochMilli).orElse(null));
        status.put("mqttConnected", signaling.isConnected());
        status.put("mqttError", signaling.lastConnectFailure().orElse(null));
        status.put("board", board.description());
        status.put("lastRing", s.lastEnded().map(e -> {
            Map<String, Object> last = new LinkedHashMap<>();
            last.put("ringId", e.ringId());
            last.put("outcome", e.outcome().wireName());
            last.put("by", e.by().orElse(null));
            last.put("at", e.at().toEpochMilli());
            return last;
        }).orElse(null));
        status.put("lastRingDelivery", signaling.lastRingDelivery().map(d -> {
            Map<String, Object> delivery = new LinkedHashMap<>();
            delivery.put("ringId", d.ringId());
            delivery.put("state", d.brokerTookAt().isPresent() ? "broker-took-it" : d.failure().isPresent() ? "failed" : "waiting");
            delivery.put("pressToBrokerMs", d.pressToBroker().map(java.time.Duration::toMillis).orElse(null));
            delivery.put("failure", d.failure().orElse(null));
            return delivery;
        }).orElse(null));
        status.put("rejectedMessages", signaling.rejections().snapshot());
        var inbound = signaling.inbound();
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("received", inbound.received());
        counts.put("accepted", inbound.accepted());
        counts.put("rejected", inbound.rejected());
        status.put("inboundMessages", counts);
        var call = calls.snapshot();
        Map<String, Object> callStatus = new LinkedHashMap<>();
        callStatus.put("phase", call.phase());
        callStatus.put("sessionId", call.sessionId().orElse(null));
        callStatus.put("ownerId", call.ownerId().orElse(null));
        callStatus.put("workerPid", call.workerPid().orElse(null));
        callStatus.put("lastEnd", call.lastEnd().orElse(null));
        callStatus.put("callsStarted", call.callsStarted());
        callStatus.put("workersStarted", call.workersStarted());
        callStatus.put("workerReady", calls.workerReady());
        status.put("call", callStatus);
        status.put("push", push != null ? push.status() : Map.of("enabled", false));
        return status;
    }

    @Override
    public void close() {
        while (!opened.isEmpty()) {
            AutoCloseable part = opened.pop();
            try {
                part.close();
            } catch (Exception e) {
                log.warn("Error while closing {}: {}", part, e.toString());
            }
        }
    }

    static String version() {
        String v = Agent.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Forwards ring notifications to the signaling once it exists (presses before that only chime). */
    private final class ForwardingSignals implements RingSignals {
        @Override
        public void ringStarted(Ring r) {
            if (signaling != null) {
                signaling.ringStarted(r);
            }
            if (push != null) {
                push.ringStarted(r); // in the same moment as the MQTT ring, off this thread
            }
        }

        @Override
        public void ringEnded(RingEnded e) {
            if (signaling != null) {
                signaling.ringEnded(e);
            }
            if (push != null) {
                push.ringEnded(e);
            }
        }
    }

    private record WebApi(Agent agent) implements WebServer.Api {
        @Override
        public Map<String, Object> pageConfig(String authorization) {
            return agent.pageConfig(authorization);
        }

        @Override
        public java.util.Optional<Pairing> pairing() {
            return agent.pairing();
        }

        @Override
        public Map<String, Object> status() {
            return agent.status();
        }

        @Override
        public boolean simulatePress() {
            return agent.simulatePress();
        }

        @Override
        public java.util.Optional<Object> callStats() {
            try {
                return java.util.Optional.of(agent.calls.stats().get(3, java.util.concurrent.TimeUnit.SECONDS));
            } catch (Exception e) {
                return java.util.Optional.empty();
            }
        }

        @Override
        public java.util.Optional<Object> simulatedMicrophone() {
            SimulatedSound sound = agent.sound;
            return sound == null ? java.util.Optional.empty()
                    : java.util.Optional.of(Map.of("burstStarts", sound.burstStarts()));
        }
    }
}
