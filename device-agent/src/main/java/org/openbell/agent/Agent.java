package org.openbell.agent;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
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
import org.openbell.agent.history.VisitHistory;
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
import org.openbell.agent.status.AgentStatus;
import org.openbell.agent.status.PageConfig;
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
    private DeviceSignaling signaling;
    private WebServer web;
    private String webSocketUrl;
    /** The embedded broker's WebSocket, served on the owner app's own origin at /mqtt. */
    private Optional<WebServer.MqttWebSocket> sameOriginMqtt = Optional.empty();
    private SimulatedSound sound;
    private Pairing pairing;
    private OwnerStore ownerStore;
    private WebPush push;
    private VisitHistory history;
    private org.openbell.agent.pictures.RingPictures pictures;
    private org.openbell.agent.homeassistant.HomeAssistant homeAssistant;
    private org.openbell.agent.door.DoorController door;
    private org.openbell.agent.replies.QuickReplies replies;
    private org.openbell.agent.motion.MotionNotices motionNotices;
    /** The ids of pictures motion asks for (to warm the camera), never a ring's ({@code Ids.newRingId} starts otherwise). */
    private static final String MOTION_PREFIX = "motion-";
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

    /**
     * Opens the parts in order, each with what it needs from the ones before: the board, the TLS
     * identity, the owners, the broker, the signaling (created, not yet connected), push, rings,
     * the ring journal, the visit history, sound, calls; then the signaling connects (owner messages now have every
     * part to go to), pairing, the button, the web server. Closed in reverse.
     */
    private void open() {
        long t0 = System.nanoTime();
        log.info("Openbell {} starting: doorbell '{}' ({})", version(), config.device().id(), config.device().name());

        board = own(boards.apply(config.hardware()));
        log.info("Hardware: {}", board.description());
        TlsIdentity tls = TlsIdentity.loadOrGenerate(config.web().keystore().orElse(null),
                config.web().keystorePassword().orElse(null), config.stateDir());
        OwnerStore owners = config.pairingEnabled() ? OwnerStore.open(config.stateDir().resolve("owners.json")) : null;
        ownerStore = owners;
        BrokerSide brokerSide = openBroker(tls, owners);
        webSocketUrl = brokerSide.webSocketUrl();
        sameOriginMqtt = brokerSide.sameOriginMqtt();

        signaling = own(DeviceSignaling.create(config, brokerSide.broker(), clock));
        if (config.push().enabled()) {
            push = own(WebPush.start(config.push(), config.stateDir(), config.device().id(), clock, signaling::toOwner));
            signaling.announcePushKey(push.publicKey());
        }

        org.openbell.agent.chime.ChimeControl chime = new org.openbell.agent.chime.ChimeControl(board.chime(),
                config.stateDir().resolve("chime-silent"), config.ring().quietHours(), clock);
        Topics topics = new Topics(config.mqtt().topicPrefix());
        // A paired owner opens the door (the pairing is made below; an open broker has no pairing: anyone connected).
        door = own(new org.openbell.agent.door.DoorController(board.doorStrike(),
                config.hardware().strike().map(org.openbell.hardware.HardwareConfig.Strike::pulse).orElse(java.time.Duration.ofSeconds(3)),
                this::pairedNow, config.stateDir().resolve("door-openings.json"), clock));
        MediaConfig media = config.media();
        if (media.simulatedSound()) {
            sound = own(SimulatedSound.start(config.stateDir().resolve("sound"), media.toneHz()));
            media = media.withPulseServer(sound.server());
        }
        // Quick replies play on the speaker the worker uses, through the same sound server, in a process of their own.
        replies = own(org.openbell.agent.replies.QuickReplies.open(config.stateDir().resolve("replies"),
                !media.options().audio().equals("headless"), SimulatedSound.PACAT, media.pulseServer(), this::pairedNow, clock));
        signaling.announceCapabilities(() -> new org.openbell.signaling.Capabilities(config.device().id(), door.configured(),
                board.motionSensor().isPresent(), replies.list(), clock.instant()));
        WebPush pushes = push;
        motionNotices = own(new org.openbell.agent.motion.MotionNotices(config.device().id(), config.stateDir().resolve("motion-alerts.json"),
                clock, signaling::toOwners, (motion, alerted) -> {
                    if (pushes != null) {
                        pushes.motion(motion, alerted);
                    }
                }));
        if (config.homeAssistant().enabled()) {
            homeAssistant = own(org.openbell.agent.homeassistant.HomeAssistant.start(config.device().id(), config.device().name(),
                    version(), config.homeAssistant().discoveryPrefix(), topics, signaling,
                    new org.openbell.agent.homeassistant.HomeAssistant.Controls(chime, door, replies),
                    org.openbell.agent.homeassistant.PiSensors.system(), board.motionSensor().isPresent(), config.stateDir()));
        } else {
            org.openbell.agent.homeassistant.HomeAssistant.removeIfAnnounced(config.device().id(), topics, signaling, config.stateDir());
        }

        ringsAndCalls = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("openbell-rings-and-calls").factory());
        own(ringsAndCalls::shutdownNow);
        // The MQTT ring first, then the pushes: in the same moment, the pushes off this thread.
        List<RingSignals> targets = new java.util.ArrayList<>(List.of(signaling));
        if (push != null) {
            targets.add(push);
        }
        if (homeAssistant != null) {
            targets.add(homeAssistant); // its event after the owners' ring, through the same outbox
        }
        RingSignals announce = RingSignals.all(targets);
        ring = new RingController(config.device().id(), config.ring().timeout(), clock, ringsAndCalls, Timers.on(ringsAndCalls),
                chime, board.statusLed(), announce, Ids::newRingId);
        ring.brokerConnection(false);
        RingJournal journal = own(new RingJournal(config.stateDir().resolve("ring-in-progress")));
        Optional<String> interrupted = journal.takeInterrupted();
        ring.addListener(journal);
        history = own(VisitHistory.open(config.stateDir().resolve("visits.json"), config.history(), clock, config.device().id()));
        ring.addListener(history);
        WebPush pushing = push;
        pictures = own(new org.openbell.agent.pictures.RingPictures(config.stateDir().resolve("pictures"), config.device().id(), clock,
                config.ring().timeout(), signaling::toOwners, signaling::toOwner, pushing == null ? null : pushing::picture));
        ring.addListener(pictures); // after the history: a ring that ends is in the history before its picture stops being the ringing one
        history.onKept(pictures::keepOnly);

        calls = own(new CallController(config.device().id(), media, clock, ringsAndCalls, Timers.on(ringsAndCalls),
                signaling::toOwner, Ids::newSessionId));
        // The status LED shows that the camera is being watched, for as long as a call or live view is on.
        calls.addListener((session, from, to, snapshot) -> ring.watched(snapshot.viewers() > 0));
        if (homeAssistant != null) {
            org.openbell.agent.homeassistant.HomeAssistant ha = homeAssistant;
            calls.addListener((session, from, to, snapshot) -> ha.callOn(snapshot.viewers() > 0));
            pictures.onSent(ha::picture);
        }
        calls.onPicture(taken -> {
            if (!taken.ringId().startsWith(MOTION_PREFIX)) {
                pictures.taken(taken); // a motion's is only the camera warming up for the press that may follow
            }
        });
        // Motion (a PIR sensor): the camera starts before the press, so a visitor who presses gets a faster picture.
        board.motionSensor().ifPresent(sensor -> sensor.setListener(moving -> {
            log.info("Motion {}", moving ? "at the door" : "ended");
            if (moving) {
                calls.takePicture(MOTION_PREFIX + Ids.newRingId().substring(0, 8), java.time.Duration.ofSeconds(60));
                if (ring.snapshot().state() == RingState.IDLE) {
                    motionNotices.motionStarted(); // someone who already rang needs no "someone is at the door"
                }
            }
            if (homeAssistant != null) {
                homeAssistant.motion(moving);
            }
        }));
        // The camera starts on the press (the ring message is already on its way): the ring's picture,
        // and a running camera for the call that may follow.
        java.time.Duration cameraHold = config.ring().timeout().plusSeconds(10);
        ring.addListener((from, to, snapshot) -> {
            if (from == RingState.IDLE && to == RingState.RINGING) {
                snapshot.ringId().ifPresent(ringId -> calls.takePicture(ringId, cameraHold));
            }
            if (to == RingState.ANSWERED) {
                snapshot.lastEnded().flatMap(RingEnded::by).ifPresent(owner -> calls.start(owner, snapshot.lastEnded().get().ringId()));
            }
        });

        signaling.open(this::ownerMessage, (connected, cause) -> ring.brokerConnection(connected));
        interrupted.ifPresent(ring::interruptedBeforeStart); // queued until the link is up: phones stop ringing for it
        if (owners != null) {
            pairing = new Pairing(owners,
                    new PairingCodes(clock, config.pairing().codeTtl(), config.pairing().failuresPerMinute()),
                    brokerSide.accounts().isPresent() ? brokerSide.accounts().get() : signaling::askRegistrar, clock);
            log.info("Pairing on: {} phone(s) paired", pairing.owners().size());
            pairing.onRemoved(motionNotices::forgetOwner);
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

    /**
     * Where the doorbell's MQTT is: the configured broker, or the embedded one started now (with
     * per-owner accounts unless it is open), whose WebSocket phones reach on the page's own origin.
     */
    private record BrokerSide(DeviceSignaling.Broker broker, Optional<EmbeddedBrokerAccounts> accounts,
            Optional<WebServer.MqttWebSocket> sameOriginMqtt, String webSocketUrl) {
    }

    private BrokerSide openBroker(TlsIdentity tls, OwnerStore owners) {
        if (config.mqtt().brokerUri().isPresent()) {
            return new BrokerSide(DeviceSignaling.Broker.configured(config), Optional.empty(), Optional.empty(),
                    config.mqtt().webSocketUrl().orElseThrow());
        }
        EmbeddedBrokerAccounts accounts = config.embeddedBroker().anonymous() ? null
                : new EmbeddedBrokerAccounts(new Topics(config.mqtt().topicPrefix()), config.device().id(), owners.owners());
        EmbeddedBroker embedded = own(EmbeddedBroker.start(config.embeddedBroker(), tls, config.stateDir().resolve("broker"), accounts,
                config.device().id()));
        DeviceSignaling.Broker broker = accounts == null ? new DeviceSignaling.Broker(embedded.tcpUri(), Optional.empty(), Optional.empty())
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
        var sameOrigin = new WebServer.MqttWebSocket(new java.net.InetSocketAddress(wsAddress, ws.webSocketPort()),
                ws.webSocketTls() ? tls.trustingItself().getSocketFactory() : javax.net.SocketFactory.getDefault());
        // Phones reach the broker through the page's own origin: one certificate to accept.
        return new BrokerSide(broker, Optional.ofNullable(accounts), Optional.of(sameOrigin),
                config.mqtt().webSocketUrl().orElse("wss://{hostport}/mqtt"));
    }

    /**
     * An owner's message (already checked by the signaling: decoded, for this doorbell, a type
     * owners send) goes to the part its type's concern names in the protocol's vocabulary.
     */
    private void ownerMessage(String owner, org.openbell.signaling.Message message) {
        switch (message.type().concern()) {
            case RING -> ring.ownerMessage(owner, message);
            case CALL -> calls.ownerMessage(owner, (CallMessage) message); // every call type is a CallMessage (TestVectorsTest)
            case PUSH -> pushMessage(owner, message);
            case HISTORY -> history.ownerMessage(owner, message, this::historyReply);
            case SNAPSHOT -> pictures.ownerMessage(owner, message);
            case DOOR -> doorMessage(owner, message);
            case REPLY -> replyMessage(owner, message);
            case MOTION -> motionNotices.ownerMessage(owner, message);
            case CAPABILITIES -> log.warn("Ignored {} from owner {}: owners do not send capabilities", message.type().wireName(), owner);
            case PRESENCE -> signaling.answerPresenceRequest(owner); // presence-request: the only presence type owners send
        }
    }

    /**
     * A visit history reply, and right after it (same pacing, same request) the door openings, where
     * a strike is wired or was: the app shows them in the history (protocol 1.4).
     */
    private void historyReply(String owner, org.openbell.signaling.Message reply) {
        signaling.toOwner(owner, reply);
        var openings = door.openings();
        if (reply instanceof org.openbell.signaling.History h && (door.configured() || !openings.isEmpty())) {
            List<org.openbell.signaling.DoorOpenings.Opening> newestFirst = new java.util.ArrayList<>();
            for (int i = openings.size() - 1; i >= 0; i--) {
                var o = openings.get(i);
                newestFirst.add(new org.openbell.signaling.DoorOpenings.Opening(o.at(), o.by(),
                        o.via().equals("app") ? org.openbell.signaling.DoorOpenings.Via.APP : org.openbell.signaling.DoorOpenings.Via.HOME_ASSISTANT));
            }
            signaling.toOwner(owner, new org.openbell.signaling.DoorOpenings(config.device().id(), h.requestId(), newestFirst,
                    clock.instant()));
        }
    }

    /** Whether {@code owner} is a paired owner now (an open broker has no pairing: anyone connected is). */
    private boolean pairedNow(String owner) {
        return ownerStore == null || ownerStore.find(owner).isPresent();
    }

    /** reply-play: the reply starts off this thread; the owner hears back once it plays, or why not. */
    private void replyMessage(String owner, org.openbell.signaling.Message message) {
        if (!(message instanceof org.openbell.signaling.ReplyPlay play)) {
            log.warn("Ignored {} from owner {}: owners send reply-play", message.type().wireName(), owner);
            return;
        }
        replies.play(play.replyId(), owner, "app").thenAccept(refused -> signaling.toOwner(owner,
                new org.openbell.signaling.ReplyStatus(config.device().id(), play.requestId(), play.replyId(),
                        refused.isEmpty() ? org.openbell.signaling.ReplyStatus.State.PLAYING
                                : org.openbell.signaling.ReplyStatus.State.REFUSED, refused, clock.instant())));
    }

    private void doorMessage(String owner, org.openbell.signaling.Message message) {
        if (!(message instanceof org.openbell.signaling.DoorOpen open)) {
            log.warn("Ignored {} from owner {}: owners send door-open", message.type().wireName(), owner);
            return;
        }
        Optional<org.openbell.signaling.DoorStatus.Reason> refused = door.open(owner, "app");
        signaling.toOwner(owner, new org.openbell.signaling.DoorStatus(config.device().id(), open.requestId(),
                refused.isEmpty() ? org.openbell.signaling.DoorStatus.State.OPENED : org.openbell.signaling.DoorStatus.State.REFUSED,
                refused, clock.instant()));
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

    public VisitHistory history() {
        return history;
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

    /** The simulated PIR sensor sees someone for 3 s; false on real hardware or without a PIR. */
    public boolean simulateMotion() {
        if (board instanceof SimulatedBoard simulated && board.motionSensor().isPresent()) {
            simulated.motion(java.time.Duration.ofSeconds(3));
            return true;
        }
        return false;
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
    public PageConfig pageConfig() {
        return pageConfig(true);
    }

    /**
     * GET /api/config for a request with {@code authorization}: with pairing on, a page that is
     * not a paired owner's learns only that it must pair (no broker address, no TURN credentials).
     */
    public PageConfig pageConfig(String authorization) {
        boolean owner = pairing == null || pairing.authenticate(authorization).isPresent();
        return pageConfig(owner);
    }

    private PageConfig pageConfig(boolean owner) {
        String pairingState = pairing == null ? "off" : owner ? "paired" : "required";
        boolean simulated = board instanceof SimulatedBoard;
        if (!owner) {
            return new PageConfig(config.device().id(), config.device().name(), config.mqtt().topicPrefix(), null, simulated,
                    1, pairingState, pairing.buttonPairingOpen(), null, null, null, null, null);
        }
        // Fresh TURN credentials with each page load; the shared secret never leaves the device.
        return new PageConfig(config.device().id(), config.device().name(), config.mqtt().topicPrefix(), webSocketUrl, simulated,
                1, pairingState, null, config.web().ownerAppUrl().orElse(null), push != null ? push.publicKey() : null,
                IceServers.forPage(config.media().iceServers(), config.device().id(), java.time.Instant.now()), door.configured(),
                config.mqtt().brokerUri().isPresent() && config.mqtt().webSocketUrls().size() > 1 ? config.mqtt().webSocketUrls() : null);
    }

    /** The simulated sound server ({@code media.audio: simulated}), if this doorbell runs one. */
    public Optional<SimulatedSound> simulatedSound() {
        return Optional.ofNullable(sound);
    }

    /** The doorbell's state (GET /api/status). */
    public AgentStatus status() {
        RingSnapshot s = ring.snapshot();
        var inbound = signaling.inbound();
        var call = calls.snapshot();
        return new AgentStatus(config.device().id(), s.state().name(), s.ringId().orElse(null), s.presses(),
                s.ringStartedAt().map(java.time.Instant::toEpochMilli).orElse(null), signaling.isConnected(),
                signaling.connectedBroker().orElse(null), signaling.lastConnectFailure().orElse(null), board.description(),
                s.lastEnded().map(e -> new AgentStatus.LastRing(e.ringId(), e.outcome().wireName(), e.by().orElse(null),
                        e.at().toEpochMilli())).orElse(null),
                signaling.lastRingDelivery().map(d -> new AgentStatus.RingDelivery(d.ringId(),
                        d.brokerTookAt().isPresent() ? "broker-took-it" : d.failure().isPresent() ? "failed" : "waiting",
                        d.pressToMessage().toMillis(), d.pressToBroker().map(java.time.Duration::toMillis).orElse(null),
                        d.failure().orElse(null))).orElse(null),
                signaling.rejections().snapshot(),
                new AgentStatus.InboundMessages(inbound.received(), inbound.accepted(), inbound.rejected()),
                new AgentStatus.Call(call.phase(), call.sessionId().orElse(null), call.ownerId().orElse(null),
                        call.workerPid().orElse(null), call.lastEnd().orElse(null), call.callsStarted(), call.workersStarted(),
                        calls.workerReady(), call.viewers(), call.viewerOwners()),
                push != null ? push.status() : AgentStatus.Push.OFF,
                pictures.last().map(p -> new AgentStatus.RingPicture(p.ringId(), p.ringToPictureMs(), p.cameraMs(), p.encodeMs(),
                        p.width(), p.height(), p.bytes(), p.thumbnailBytes())).orElse(null),
                doorStatus(),
                new AgentStatus.Replies(replies.list().size(), replies.speaker(), replies.last()
                        .map(r -> new AgentStatus.PlayedReply(r.replyId(), r.at().toEpochMilli(), r.by(), r.via())).orElse(null)));
    }

    private AgentStatus.Door doorStatus() {
        var openings = door.openings();
        var last = openings.isEmpty() ? null : openings.getLast();
        return new AgentStatus.Door(door.configured(), openings.size(),
                last == null ? null : new AgentStatus.DoorOpening(last.at().toEpochMilli(), last.by(), last.via()));
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

    private record WebApi(Agent agent) implements WebServer.Api {
        @Override
        public PageConfig pageConfig(String authorization) {
            return agent.pageConfig(authorization);
        }

        @Override
        public java.util.Optional<Pairing> pairing() {
            return agent.pairing();
        }

        @Override
        public AgentStatus status() {
            return agent.status();
        }

        @Override
        public boolean simulatePress() {
            return agent.simulatePress();
        }

        @Override
        public boolean simulateMotion() {
            return agent.simulateMotion();
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
