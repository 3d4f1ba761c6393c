package org.openbell.agent.bench;

import org.openbell.agent.TestPorts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openbell.agent.e2e.Chromium;
import org.openbell.agent.webrtc.Namespaces;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * {@code scripts/bench}: the real stack (agent and media worker as their own processes, the
 * embedded broker or Mosquitto, Chromium as the phone) in network namespaces, measured.
 * Prints a table (median, p95, max) and optionally writes it as JSON ({@code --json FILE}).
 *
 * <p>Figures: press-to-ring (from the button's first edge in the agent, so including the 15 ms
 * debounce, to the ring shown in the page; one machine clock), answer-to-first-frame (click to
 * the first decoded frame), glass-to-glass (capture time drawn into each synthetic frame, read back
 * from decoded frames), agent and worker CPU seconds per call-minute, RSS idle and in call, agent
 * RSS growth over the rounds, agent start-to-ready, press-to-picture-on-page (the ring's picture on the
 * ringing screen) and the doorbell's share of it.
 */
public final class Bench {

    private static final double WAIT_MS = 30_000;

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = 20;
        int calls = 100;
        boolean callsOnly = false;
        boolean pushOnly = false;
        int soakRings = -1;
        int soakCalls = -1;
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                case "--calls" -> calls = Integer.parseInt(args[++i]);
                case "--calls-only" -> callsOnly = true;
                case "--push-only" -> pushOnly = true;
                case "--soak" -> {
                    soakRings = Integer.parseInt(args[++i]);
                    soakCalls = Integer.parseInt(args[++i]);
                }
                default -> throw new IllegalArgumentException(
                        "usage: bench [--rounds N] [--calls N] [--calls-only | --push-only] [--soak RINGS CALLS] [--json FILE]");
            }
        }
        Map<String, Object> report = soakRings >= 0 ? soak(soakRings, soakCalls) : run(rounds, calls, callsOnly, pushOnly);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        System.out.println(report.get("table"));
        if (json != null) {
            Map<String, Object> out = new LinkedHashMap<>(report);
            out.remove("table");
            mapper.writeValue(json.toFile(), out);
            System.out.println("JSON written to " + json);
        }
        System.exit(0);
    }

    /** Runs the benchmark; the result has "figures" (name -> unit, n, median, p95, max), "machine", "rounds", "table". */
    public static Map<String, Object> run(int rounds, int calls, boolean callsOnly, boolean pushOnly) throws Exception {
        String unavailable = Namespaces.unavailableReason();
        if (unavailable != null) {
            throw new IllegalStateException(unavailable);
        }
        Figures figures = new Figures();
        Path work = Files.createTempDirectory("openbell-bench-");
        try (Namespaces ns = Namespaces.create(); MosquittoBroker mosquitto = MosquittoBroker.start(ns.rootAddress);
                Chromium chromium = Chromium.launchInNamespace(ns.phone,
                        // Mosquitto serves plain ws://; let the HTTPS page reach it on our veth only.
                        "--unsafely-treat-insecure-origin-as-secure=ws://" + ns.rootAddress + ":" + port(mosquitto)
                                + ",http://" + ns.rootAddress + ":" + port(mosquitto))) {
            if (!pushOnly) {
                embedded(ns, chromium, work, rounds, calls, figures);
            }
            if (!callsOnly) {
                MqttConnect.run(mosquitto, rounds, figures);
                mosquittoRings(ns, chromium, work, mosquitto, rounds, figures);
            }
            if (!callsOnly && !pushOnly) {
                try (Chromium door = Chromium.launchInNamespace(ns.door)) {
                    Baseline.run(door, chromium, rounds, figures);
                }
            }
        }
        Baseline.ratios(figures, figures.summary());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("when", Instant.now().toString());
        report.put("rounds", rounds);
        report.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(), "os", System.getProperty("os.name") + " "
                + System.getProperty("os.version") + " " + System.getProperty("os.arch"), "java", System.getProperty("java.version")));
        report.put("figures", figures.summary());
        report.put("table", figures.table());
        return report;
    }

    /** {@code --soak}: one agent with the embedded broker, many rings then many calls; the growth slopes. */
    static Map<String, Object> soak(int rings, int calls) throws Exception {
        String unavailable = Namespaces.unavailableReason();
        if (unavailable != null) {
            throw new IllegalStateException(unavailable);
        }
        Path work = Files.createTempDirectory("openbell-soak-");
        try (Namespaces ns = Namespaces.create(); Chromium chromium = Chromium.launchInNamespace(ns.phone)) {
            Path config = embeddedConfig(ns, work);
            String base = "https://" + ns.rootAddress + ":" + webPort(config);
            try (AgentProcess agent = new AgentProcess(config, base, work.resolve("agent-soak.log"))) {
                Page page = phone(chromium, base);
                Thread.sleep(3000);
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("when", Instant.now().toString());
                report.putAll(Soak.run(page, agent, rings, calls));
                StringBuilder table = new StringBuilder("soak: " + rings + " rings, then " + calls + " calls\n");
                report.forEach((k, v) -> {
                    if (!k.equals("samples")) {
                        table.append(String.format("  %-40s %s%n", k, v instanceof Double d ? String.format("%.2f", d) : v));
                    }
                });
                report.put("table", table.toString());
                return report;
            }
        }
    }

    private static Path embeddedConfig(Namespaces ns, Path work) throws IOException {
        String audioMode = System.getenv().getOrDefault("OPENBELL_BENCH_AUDIO", "simulated");
        return Files.writeString(work.resolve("embedded.yml"), """
                hardware: {mode: simulated, button: {lockout: 0s}, chime: {duration: 100ms}}
                embeddedBroker: {bind: 127.0.0.1, port: %d, webSocketBind: %s, webSocketPort: %d, anonymous: true}
                web: {bind: %s, port: %d}
                media: {audio: %s, workerCommandPrefix: [ip, netns, exec, %s]}
                stateDir: "%s"
                """.formatted(TestPorts.free(), ns.rootAddress, TestPorts.free(), ns.rootAddress, TestPorts.free(),
                audioMode, ns.door, work.resolve("state-e")));
    }

    private static void embedded(Namespaces ns, Chromium chromium, Path work, int rounds, int calls, Figures figures)
            throws Exception {
        Path config = embeddedConfig(ns, work); // the doorbell's sound: the simulated microphone and speaker, as in the demo
        String base = "https://" + ns.rootAddress + ":" + webPort(config);
        String aot = AgentProcess.trainAotCache(config, base, work);
        try (AgentProcess agent = new AgentProcess(config, base, work.resolve("agent-embedded.log"), aot)) {
            figures.add("agent start-to-ready", "ms", agent.startToReadyMs);
            Page page = phone(chromium, base);
            Thread.sleep(3000); // let the JVMs settle before measuring idle memory
            double idleRss = AgentProcess.rssMiB(agent.pid());
            figures.add("agent RSS idle", "MiB", idleRss);
            double idleHeap = AgentProcess.liveHeapMiB(agent.pid());
            figures.add("agent live heap idle", "MiB", idleHeap);
            // The doorbell's speaker, heard where it plays (the simulated sound server's sink): quick replies (issue 15).
            Path pulse = work.resolve("state-e").resolve("sound").resolve("pulse.sock").toAbsolutePath();
            org.openbell.agent.call.SoundProbe speaker = Files.exists(pulse)
                    ? org.openbell.agent.call.SoundProbe.start("unix:" + pulse, "doorbell_speaker.monitor") : null;
            for (int round = 0; round < rounds; round++) {
                // The next visitor rings as soon as the next worker is ready (it says so once its
                // speaker plays: SpeakerWarmup); no settling pause hides a late speaker any more.
                waitIdle(agent);
                figures.add("press-to-ring (embedded broker)", "ms", ring(agent, page, figures, "embedded broker"));
                if (speaker != null) {
                    quickReply(page, speaker, "unix:" + pulse, figures);
                }
                Object previous = page.evaluate("() => openbell.call ? openbell.call.sessionId : ''");
                page.locator("#answer").click();
                page.waitForFunction("prev => openbell.call && openbell.call.sessionId !== prev && openbell.call.firstFrameAt > 0",
                        previous, new Page.WaitForFunctionOptions().setTimeout(WAIT_MS));
                for (int i = 0; i < 100 && agent.status().path("call").path("workerPid").asLong() <= 0; i++) {
                    Thread.sleep(20);
                }
                figures.add("answer-to-first-frame", "ms",
                        ((Number) page.evaluate("() => openbell.call.firstFrameAt - openbell.answerClickedAt")).doubleValue());
                // The same interval the baseline measures (its offer is made before the clock starts).
                figures.add("offer-received-to-first-frame", "ms",
                        ((Number) page.evaluate("() => openbell.call.firstFrameAt - openbell.call.offerReceivedAt")).doubleValue());
                JsonNode call = agent.status().path("call");
                long worker = call.path("workerPid").asLong();
                @SuppressWarnings("unchecked")
                List<Number> g2g = (List<Number>) page.evaluate("() => openbell.call.glassToGlass(15)");
                figures.addAll("glass-to-glass", "ms", g2g);
                @SuppressWarnings("unchecked")
                List<Number> starts = (List<Number>) page.evaluate("() => openbell.call.talkBackProbe(4)");
                Thread.sleep(500);
                JsonNode callStats = agent.callStats();
                List<Long> heardAtDoor = new java.util.ArrayList<>();
                callStats.path("audioInOnsets").forEach(o -> heardAtDoor.add(o.asLong()));
                talkBack(figures, "talk-back latency owner to doorbell", starts, heardAtDoor);
                figures.add("doorbell jitter buffer (owner audio)", "ms", callStats.path("audioInJitterBufferMs").asDouble());
                @SuppressWarnings("unchecked")
                List<Number> heardByOwner = (List<Number>) page.evaluate("() => openbell.call.listenProbe(4500)");
                List<Number> bursts = new java.util.ArrayList<>();
                agent.microphoneBursts().forEach(b -> bursts.add(b.asLong()));
                talkBack(figures, "talk-back latency doorbell to owner", bursts,
                        heardByOwner.stream().map(Number::longValue).toList());
                figures.add("owner jitter buffer (doorbell audio)", "ms",
                        ((Number) page.evaluate("async () => (await openbell.call.audioInFigures()).jitterBufferMs")).doubleValue());
                double agentCpu0 = AgentProcess.cpuSeconds(agent.pid());
                double workerCpu0 = AgentProcess.cpuSeconds(worker);
                long t0 = System.nanoTime();
                Thread.sleep(3000);
                double seconds = (System.nanoTime() - t0) / 1e9;
                figures.add("agent CPU per call-minute", "s", (AgentProcess.cpuSeconds(agent.pid()) - agentCpu0) * 60 / seconds);
                figures.add("worker CPU per call-minute", "s", (AgentProcess.cpuSeconds(worker) - workerCpu0) * 60 / seconds);
                figures.add("agent RSS in call", "MiB", AgentProcess.rssMiB(agent.pid()));
                figures.add("worker RSS in call", "MiB", AgentProcess.rssMiB(worker));
                page.locator("#hangup").click();
                waitIdle(agent);
                if (round == 0) {
                    Thread.sleep(1500);
                    JsonNode spare = agent.status().path("call");
                    long sparePid = ProcessHandle.of(agent.pid()).orElseThrow().descendants()
                            .filter(p -> p.info().commandLine().orElse("").contains("WorkerMain"))
                            .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
                    if (sparePid > 0) {
                        figures.add("worker RSS idle (pre-warmed)", "MiB", AgentProcess.rssMiB(sparePid));
                    }
                    if (spare.isMissingNode()) {
                        throw new IllegalStateException("no call status");
                    }
                }
            }
            // A live view (issue 14), tapped on the idle page: from the tap to the first decoded frame,
            // through the same pre-warmed worker as a call, without a ring.
            for (int round = 0; round < rounds; round++) {
                waitIdle(agent);
                page.locator("#live").click();
                page.waitForFunction("() => openbell.live && openbell.call && openbell.call.sessionId === openbell.live.sessionId"
                        + " && openbell.call.firstFrameAt > 0", null, new Page.WaitForFunctionOptions().setTimeout(WAIT_MS));
                figures.add("live-view tap-to-first-frame", "ms",
                        ((Number) page.evaluate("() => openbell.call.firstFrameAt - openbell.live.requestedAt")).doubleValue());
                page.locator("#hangup").click();
                waitIdle(agent);
            }
            for (int pass = 0; pass < 3; pass++) {
                viewers(agent, chromium, base, page, figures);
            }
            double warmRss = AgentProcess.rssMiB(agent.pid()); // after the measured rounds: call paths loaded and compiled
            for (int call = rounds; call < calls; call++) {
                ring(agent, page, new Figures(), "unmeasured");
                page.locator("#answer").click();
                page.locator("#call-screen[data-state=connected]")
                        .waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE).setTimeout(WAIT_MS));
                page.locator("#hangup").click();
                waitIdle(agent);
            }
            Thread.sleep(2000);
            int made = Math.max(rounds, calls);
            figures.add("agent RSS growth after " + made + " calls", "MiB", AgentProcess.rssMiB(agent.pid()) - idleRss);
            figures.add("agent RSS after " + made + " calls", "MiB", AgentProcess.rssMiB(agent.pid()));
            if (calls > rounds) {
                figures.add("agent RSS growth from call " + rounds + " to " + calls, "MiB", AgentProcess.rssMiB(agent.pid()) - warmRss);
            }
            figures.add("agent live heap growth after " + made + " calls", "MiB", AgentProcess.liveHeapMiB(agent.pid()) - idleHeap);
            ProcessHandle.of(agent.pid()).orElseThrow().descendants()
                    .filter(p -> p.info().commandLine().orElse("").contains("WorkerMain")).findFirst()
                    .ifPresent(p -> {
                        try {
                            figures.add("worker RSS after " + made + " calls (the spare)", "MiB", AgentProcess.rssMiB(p.pid()));
                        } catch (IOException e) {
                            // it was being recycled
                        }
                    });
            page.context().close();
        }
    }

    private static void mosquittoRings(Namespaces ns, Chromium chromium, Path work, MosquittoBroker mosquitto, int rounds,
            Figures figures) throws Exception {
        int ws = port(mosquitto);
        // Web Push to PHONES subscriptions, at a push-service stand-in on loopback (it checks each
        // VAPID token and decrypts each payload, as a real push service and phone would).
        org.openbell.agent.push.PushServiceStandIn pushService = org.openbell.agent.push.PushServiceStandIn.startForBenchmark(work.resolve("push-service"));
        Path config = Files.writeString(work.resolve("mosquitto.yml"), """
                hardware: {mode: simulated, button: {lockout: 0s}, chime: {duration: 100ms}}
                mqtt: {broker: "%s", webSocketUrl: "ws://{host}:%d/mqtt"}
                web: {bind: %s, port: %d}
                media: {audio: headless, workerCommandPrefix: [ip, netns, exec, %s]}
                push: {allowedHosts: ["%s"], allowPrivateNetworks: true, caFile: "%s"}
                stateDir: "%s"
                """.formatted(mosquitto.tcpUri(), ws, ns.rootAddress, TestPorts.free(), ns.door, pushService.host(), pushService.caFile(),
                work.resolve("state-m")));
        String base = "https://" + ns.rootAddress + ":" + webPort(config);
        try (pushService; AgentProcess agent = new AgentProcess(config, base, work.resolve("agent-mosquitto.log"));
                // One of the PHONES is locked with the app installed: its push is shown by the real service worker.
                LockedPhone locked = LockedPhone.open(work.resolve("state-m/tls/ca.crt"), base, pushService,
                        "--unsafely-treat-insecure-origin-as-secure=ws://" + ns.rootAddress + ":" + ws)) {
            Page page = phone(chromium, base);
            Thread.sleep(3000); // as for the embedded broker: settled before measuring idle memory
            figures.add("agent RSS idle (Mosquitto, no embedded broker)", "MiB", AgentProcess.rssMiB(agent.pid()));
            subscribePhones(mosquitto, pushService, agent, PHONES - 1);
            for (int round = 0; round < rounds; round++) {
                // As a doorbell between visitors: its push connections idle out (the stand-in
                // closes them after 0.5 s, a real service after minutes) and the next ring's keys are ready.
                Thread.sleep(1500); // PreparedKeys.REFILL_DELAY_MS is 1 s
                figures.add("press-to-ring (Mosquitto)", "ms", ring(agent, page, figures, "Mosquitto"));
                JsonNode status = agent.status();
                String ringId = status.path("ringId").asText();
                // The locked phone's push is handed on as soon as it arrives, not after the other nine.
                figures.add("press-to-notification-shown (locked phone, Chromium)", "ms",
                        locked.notificationShownAt(pushService, ringId) - status.path("ringAt").asLong());
                // The ring's own pushes (its picture's push names the ring too).
                List<org.openbell.agent.push.PushServiceStandIn.Received> pushes = pushService.await(
                        "\"type\":\"ring\",\"deviceId\":\"front-door\",\"ringId\":\"" + ringId + "\"", PHONES, WAIT_MS_LONG);
                if (pushes.size() < PHONES) {
                    throw new IllegalStateException("only " + pushes.size() + " of " + PHONES + " pushes of ring " + ringId + " arrived: "
                            + pushService.refusals() + " " + status.path("push"));
                }
                long last = pushes.stream().mapToLong(r -> r.at().toEpochMilli()).max().orElseThrow();
                figures.add("press-to-push-sent (" + PHONES + " phones, Mosquitto)", "ms", last - status.path("ringAt").asLong());

                page.locator("#decline").click();
                waitIdle(agent);
                // Its end's pushes too, before the next round.
                pushService.await("\"type\":\"ring-ended\",\"deviceId\":\"front-door\",\"ringId\":\"" + ringId + "\"", PHONES, WAIT_MS_LONG);
            }
            page.context().close();
        }
    }

    static final int PHONES = 10;
    static final long WAIT_MS_LONG = 20_000;

    /** {@code count} owners each register one push subscription of the stand-in with the doorbell (PHONES in all, with the locked phone). */
    private static void subscribePhones(MosquittoBroker mosquitto, org.openbell.agent.push.PushServiceStandIn pushService,
            AgentProcess agent, int count) throws Exception {
        org.openbell.signaling.MessageCodec codec = new org.openbell.signaling.MessageCodec();
        org.openbell.signaling.Topics topics = org.openbell.signaling.Topics.defaults();
        for (int i = 0; i < count; i++) {
            var s = pushService.subscribe();
            var link = org.openbell.signaling.mqtt.MqttLink.start(org.openbell.signaling.mqtt.MqttSettings
                    .builder(mosquitto.tcpUri(), "openbell-owner-phone" + i + "-bench").build());
            try {
                link.publish(org.openbell.signaling.mqtt.Outgoing.qos1(topics.ownerToDevice("phone" + i, "front-door"),
                        codec.encode(new org.openbell.signaling.PushSubscribe("front-door", s.endpoint(), s.p256dh(), s.auth(),
                                java.time.Instant.now())))).get(20, java.util.concurrent.TimeUnit.SECONDS);
            } finally {
                link.close();
            }
        }
        for (int i = 0; i < 200 && agent.status().path("push").path("subscriptions").asInt() < PHONES; i++) {
            Thread.sleep(50);
        }
        if (agent.status().path("push").path("subscriptions").asInt() < PHONES) {
            throw new IllegalStateException("the doorbell took only " + agent.status().path("push") + " push subscriptions");
        }
    }

    /** Presses, waits for the page to show the ring, returns press (first edge) to ring shown, ms. */
    private static double ring(AgentProcess agent, Page page, Figures figures, String broker) throws Exception {
        agent.press();
        page.locator("#ring-screen").waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.VISIBLE).setTimeout(WAIT_MS));
        JsonNode status = agent.status();
        String ringId = status.path("ringId").asText();
        try {
            page.waitForFunction("id => openbell.ringShown && openbell.ringShown.ringId === id", ringId,
                    new Page.WaitForFunctionOptions().setTimeout(WAIT_MS));
        } catch (RuntimeException e) {
            throw new IllegalStateException("ring " + ringId + " was not shown; the page: " + page.evaluate(
                    "() => JSON.stringify({current: openbell.current, shown: openbell.ringShown, error: openbell.lastError,"
                            + " ended: [...openbell.ended.keys()], connection: document.getElementById('connection').dataset.state})"), e);
        }
        double shown = ((Number) page.evaluate("() => openbell.ringShown.at")).doubleValue();
        double received = ((Number) page.evaluate("() => openbell.ringShown.receivedAt")).doubleValue();
        figures.add("press-to-ring: first edge to page (" + broker + ")", "ms", received - status.path("ringAt").asLong());
        // The doorbell's own share: from the edge to the broker's acknowledgement of the ring.
        JsonNode delivery = agent.status().path("lastRingDelivery");
        if (delivery.path("ringId").asText().equals(ringId) && delivery.path("pressToBrokerMs").isNumber()) {
            figures.add("press-to-ring: first edge to ring message (" + broker + ")", "ms", delivery.path("pressToMessageMs").asDouble());
            figures.add("press-to-ring: first edge to broker ack (" + broker + ")", "ms", delivery.path("pressToBrokerMs").asDouble());
        }
        picture(agent, page, figures, ringId, status.path("ringAt").asLong(), broker);
        return shown - status.path("ringAt").asLong();
    }

    /** Issue 14: the ring's picture on the ringing screen, from the press; and the doorbell's share of it. */
    private static void picture(AgentProcess agent, Page page, Figures figures, String ringId, long ringAt, String broker) throws Exception {
        try {
            page.waitForFunction("id => openbell.pictureShown && openbell.pictureShown.ringId === id", ringId,
                    new Page.WaitForFunctionOptions().setTimeout(5000));
        } catch (RuntimeException e) {
            System.err.println("bench: ring " + ringId + "'s picture was not shown within 5 s: " + agent.status().path("lastRingPicture"));
            return;
        }
        // With Mosquitto the rounds decline, so the camera the last ring opened is still on; with the
        // embedded broker each round ends in a call and the next ring finds a fresh worker's camera off.
        String camera = broker.equals("Mosquitto") ? "camera on from the last ring" : "camera off at the press";
        figures.add("press-to-picture-on-page (" + broker + ", " + camera + ")", "ms",
                ((Number) page.evaluate("() => openbell.pictureShown.at")).doubleValue() - ringAt);
        JsonNode picture = agent.status().path("lastRingPicture");
        if (picture.path("ringId").asText().equals(ringId)) {
            figures.add("ring-to-picture at the doorbell (" + camera + ")", "ms", picture.path("ringToPictureMs").asDouble());
            figures.add("ring picture: worker frame wait (" + camera + ")", "ms", picture.path("cameraMs").asDouble());
            figures.add("ring picture: JPEG encode, picture and thumbnail", "ms", picture.path("encodeMs").asDouble());
            figures.add("ring picture size (640x480)", "KB", picture.path("bytes").asDouble() / 1000);
        }
    }

    /**
     * Issue 15: a quick reply tapped on the ringing screen, from the tap to its sound at the
     * doorbell's speaker (the sink's monitor); beside it, the baseline: the same reply piped straight
     * into the sound server's player, from the player's start to its sound. The difference is the
     * app, MQTT and the agent.
     */
    private static void quickReply(Page page, org.openbell.agent.call.SoundProbe speaker, String pulseServer, Figures figures)
            throws Exception {
        Thread.sleep(600); // a quiet spell, so the reply's start counts as a start
        long tapped = System.currentTimeMillis();
        page.locator("#ring-replies button[data-reply-id=coming]").click();
        Long heard = awaitOnset(speaker, tapped, 5000);
        if (heard == null) {
            System.err.println("bench: the quick reply was not heard within 5 s: " + page.locator("#ring-reply-note").textContent());
        } else {
            figures.add("quick reply tap-to-sound at the door", "ms", heard - tapped);
        }
        Thread.sleep(4200); // the reply (3.9 s) ends; then the baseline, straight into the sound server
        org.openbell.agent.replies.WavSound sound = org.openbell.agent.replies.ReplyCatalogue.load(Path.of("/nonexistent"))
                .find("coming").orElseThrow().sound();
        byte[] pcm = sound.pcm();
        long started = System.currentTimeMillis();
        ProcessBuilder pacat = new ProcessBuilder("pacat", "--playback", "--format=s16le", "--rate=" + sound.rate(),
                "--channels=" + sound.channels(), "--latency-msec=60").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pacat.environment().put("PULSE_SERVER", pulseServer);
        Process p = pacat.start();
        try (var out = p.getOutputStream()) {
            out.write(pcm);
        } catch (IOException e) {
            // it ended early
        }
        Long direct = awaitOnset(speaker, started, 5000);
        if (direct != null) {
            figures.add("baseline: pacat start-to-sound (no app, no agent)", "ms", direct - started);
        }
        p.waitFor(8, java.util.concurrent.TimeUnit.SECONDS);
        p.destroyForcibly();
    }

    private static Long awaitOnset(org.openbell.agent.call.SoundProbe speaker, long since, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            for (long onset : speaker.onsets()) {
                if (onset >= since) {
                    return onset;
                }
            }
            Thread.sleep(10);
        }
        return null;
    }

    /** Pairs each sound start with the first onset heard within a second after it (the probes repeat every second). */
    static void talkBack(Figures figures, String name, List<Number> starts, List<Long> onsets) {
        for (Number start : starts) {
            for (long onset : onsets) {
                long delta = onset - start.longValue();
                if (delta >= 0 && delta < 1000) {
                    figures.add(name, "ms", delta);
                    break;
                }
            }
        }
    }

    static void waitIdle(AgentProcess agent) throws Exception {
        for (int i = 0; i < 600; i++) {
            JsonNode s = agent.status();
            if (s.path("state").asText().equals("IDLE") && s.path("call").path("phase").asText().equals("idle")
                    && s.path("call").path("workerReady").asBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the agent did not return to idle");
    }

    /**
     * Several viewers (issue 14): one, two, then three owners watching the door together (each a
     * live view from its own page; one peer connection each on the one worker), and the worker's
     * CPU (ms per second, over 5 s after 2 s of settling) and RSS with each. The phones decode in
     * the same two cores, so the worker's figures are what it used while sharing them.
     */
    private static void viewers(AgentProcess agent, Chromium chromium, String base, Page first, Figures figures) throws Exception {
        waitIdle(agent);
        List<Page> pages = new java.util.ArrayList<>(List.of(first));
        for (int i = 1; i < 3; i++) {
            Page more = chromium.phone("viewer" + i);
            more.navigate(base + "/?owner=viewer" + i);
            more.waitForSelector("#presence[data-state=online]", new Page.WaitForSelectorOptions().setTimeout(WAIT_MS));
            pages.add(more);
        }
        try {
            for (int n = 1; n <= pages.size(); n++) {
                Page viewer = pages.get(n - 1);
                viewer.locator("#live").click();
                viewer.waitForFunction("() => openbell.live && openbell.call && openbell.call.sessionId === openbell.live.sessionId"
                        + " && openbell.call.firstFrameAt > 0", null, new Page.WaitForFunctionOptions().setTimeout(WAIT_MS));
                int want = n;
                for (int i = 0; i < 100 && agent.status().path("call").path("viewers").asInt() != want; i++) {
                    Thread.sleep(50);
                }
                long worker = agent.status().path("call").path("workerPid").asLong();
                if (n > 1) {
                    figures.add("live-view tap-to-first-frame, joining " + (n - 1) + " viewer(s)", "ms",
                            ((Number) viewer.evaluate("() => openbell.call.firstFrameAt - openbell.live.requestedAt")).doubleValue());
                }
                Thread.sleep(2000);
                double cpu0 = AgentProcess.cpuSeconds(worker);
                long t0 = System.nanoTime();
                Thread.sleep(5000);
                double seconds = (System.nanoTime() - t0) / 1e9;
                figures.add("worker CPU with " + n + " viewer(s)", "ms/s", (AgentProcess.cpuSeconds(worker) - cpu0) * 1000 / seconds);
                figures.add("worker RSS with " + n + " viewer(s)", "MiB", AgentProcess.rssMiB(worker));
            }
        } finally {
            for (Page viewer : pages) {
                if (viewer.locator("#hangup").isVisible()) {
                    viewer.locator("#hangup").click();
                }
            }
            waitIdle(agent);
            for (Page viewer : pages.subList(1, pages.size())) {
                viewer.context().close();
            }
        }
    }

    private static Page phone(Chromium chromium, String base) {
        Page page = chromium.phone("bench");
        page.navigate(base + "/?owner=bench");
        page.waitForSelector("#presence[data-state=online]", new Page.WaitForSelectorOptions().setTimeout(WAIT_MS));
        return page;
    }

    private static int port(MosquittoBroker mosquitto) {
        return Integer.parseInt(mosquitto.webSocketUri().replaceAll(".*:(\\d+)/mqtt", "$1"));
    }

    private static int webPort(Path config) throws IOException {
        return Integer.parseInt(Files.readString(config).replaceAll("(?s).*web: \\{bind: [^,]+, port: (\\d+)}.*", "$1"));
    }


}
