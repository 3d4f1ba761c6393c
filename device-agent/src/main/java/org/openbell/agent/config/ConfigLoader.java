package org.openbell.agent.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openbell.agent.broker.EmbeddedBrokerConfig;
import org.openbell.agent.call.MediaConfig;
import org.openbell.media.MediaOptions;
import org.openbell.hardware.HardwareConfig;
import org.openbell.signaling.Ids;
import org.openbell.signaling.Topics;

/**
 * Reads the agent's YAML config. Every setting has a default (an empty file runs the demo); a
 * wrong value or an unknown key fails with one {@link ConfigException} naming the field.
 */
public final class ConfigLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** A config file is a few kilobytes; anything this big is not one (and must not exhaust a small heap). */
    static final long MAX_FILE_BYTES = 256 * 1024;

    private ConfigLoader() {
    }

    /** The defaults: a simulated doorbell with the embedded broker. */
    public static AgentConfig defaults() {
        return parse(MissingNode.getInstance(), "(defaults)", org.openbell.hardware.Boards.raspberryPiModel());
    }

    /**
     * The config named by {@code --config FILE} (or {@code --config=FILE}), else by the
     * environment value given (OPENBELL_CONFIG), else the defaults. Unknown arguments are errors.
     */
    public static AgentConfig load(String[] args, String environment) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (arg.startsWith("--config=")) {
                file = Path.of(arg.substring("--config=".length()));
            } else {
                throw new ConfigException("unknown argument \"" + arg + "\" (usage: openbell-agent [--config FILE])");
            }
        }
        if (file == null && environment != null && !environment.isBlank()) {
            file = Path.of(environment);
        }
        return file == null ? defaults() : load(file);
    }

    /** The config in {@code file}, with this machine's board deciding what is not set (the call's picture). */
    public static AgentConfig load(Path file) {
        return load(file, org.openbell.hardware.Boards.raspberryPiModel());
    }

    /** The config in {@code file} on a board with this model ({@code /proc/device-tree/model}; null: not a Pi). */
    public static AgentConfig load(Path file, String board) {
        String text;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ConfigException("config error in " + file + ": the file is " + size + " bytes; a config file is at most "
                        + MAX_FILE_BYTES + " bytes");
            }
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file not found: " + file.toAbsolutePath());
        } catch (java.nio.charset.MalformedInputException e) {
            throw new ConfigException("config error in " + file + ": not UTF-8 text (save the file as UTF-8)");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString(), board);
    }

    /** A config's text, with the defaults of no particular board (tests, and checks of a text). */
    public static AgentConfig parse(String yaml, String source) {
        return parse(yaml, source, null);
    }

    public static AgentConfig parse(String yaml, String source, String board) {
        if (yaml.length() > MAX_FILE_BYTES) {
            throw new ConfigException("config error in " + source + ": " + yaml.length() + " characters; a config file is at most "
                    + MAX_FILE_BYTES + " bytes");
        }
        JsonNode root;
        try (com.fasterxml.jackson.core.JsonParser parser = YAML.createParser(yaml)) {
            root = yaml.isBlank() ? MissingNode.getInstance() : YAML.readTree(parser);
            if (root == null) {
                root = MissingNode.getInstance();
            }
            if (!yaml.isBlank() && parser.nextToken() != null) {
                throw new ConfigException("config error in " + source + ": more than one YAML document (a second '---'); "
                        + "put every setting in one document");
            }
        } catch (IOException e) {
            if (!(e instanceof JacksonException)) {
                throw new ConfigException("config error in " + source + ": " + e.getMessage());
            }
            JacksonException j = (JacksonException) e;
            String where = j.getLocation() == null ? "" : " (line " + j.getLocation().getLineNr() + ")";
            throw new ConfigException("config error in " + source + ": not valid YAML" + where + ": "
                    + org.openbell.signaling.LogSafe.text(j.getOriginalMessage()));
        }
        return parse(root, source, board);
    }

    private static AgentConfig parse(JsonNode tree, String source, String board) {
        ConfigNode root = new ConfigNode(tree, "", source);

        ConfigNode device = root.section("device");
        String id = device.string("id", "front-door");
        if (!Ids.isValid(id)) {
            throw device.error("device.id", "expected 1-64 letters, digits, '-' or '_', got \"" + id + "\"");
        }
        AgentConfig.DeviceConfig deviceConfig = new AgentConfig.DeviceConfig(id, device.string("name", "Front door"));
        device.rejectUnknownKeys();

        HardwareConfig hardware = hardware(root.section("hardware"));

        ConfigNode ring = root.section("ring");
        Duration timeout = ring.duration("timeout", Duration.ofSeconds(30));
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw ring.error("ring.timeout", "expected between 1s and 10m, got " + Durations.format(timeout));
        }
        Optional<AgentConfig.QuietHours> quietHours = ring.optionalString("quietHours").map(text -> {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("([01]\\d|2[0-3]):([0-5]\\d)-([01]\\d|2[0-3]):([0-5]\\d)").matcher(text);
            if (!m.matches() || m.group(1).equals(m.group(3)) && m.group(2).equals(m.group(4))) {
                throw ring.error("ring.quietHours", "expected HH:MM-HH:MM (24 h, local time, two different times), got \"" + text + "\"");
            }
            return new AgentConfig.QuietHours(java.time.LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))),
                    java.time.LocalTime.of(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))));
        });
        ring.rejectUnknownKeys();

        AgentConfig.MqttConfig mqtt = mqtt(root.section("mqtt"));

        ConfigNode broker = root.section("embeddedBroker");
        EmbeddedBrokerConfig defaults = EmbeddedBrokerConfig.defaults();
        EmbeddedBrokerConfig brokerConfig = new EmbeddedBrokerConfig(
                broker.bindAddress("bind", defaults.tcpBind()),
                broker.integer("port", defaults.tcpPort(), 1, 65535),
                broker.bindAddress("webSocketBind", defaults.webSocketBind()),
                broker.integer("webSocketPort", defaults.webSocketPort(), 1, 65535),
                broker.bool("webSocketTls", defaults.webSocketTls()),
                broker.bool("anonymous", defaults.anonymous()));
        broker.rejectUnknownKeys();

        ConfigNode web = root.section("web");
        AgentConfig.WebConfig webConfig = new AgentConfig.WebConfig(
                web.bindAddress("bind", "0.0.0.0"),
                web.integer("port", 8443, 0, 65535), // 0: any free port (tests)
                web.optionalPath("keystore"),
                web.optionalString("keystorePassword"),
                web.optionalString("ownerAppUrl"));
        if (webConfig.ownerAppUrl().isPresent() && !webConfig.ownerAppUrl().get().matches("https?://[^\\s#]+")) {
            throw web.error("web.ownerAppUrl", "expected an https:// URL without a #fragment, got \"" + webConfig.ownerAppUrl().get() + "\"");
        }
        if (webConfig.keystore().isPresent() && webConfig.keystorePassword().isEmpty()) {
            throw web.error("web.keystorePassword", "required when web.keystore is set");
        }
        web.rejectUnknownKeys();

        MediaConfig media = media(root.section("media"), board);
        ConfigNode pairing = root.section("pairing");
        Duration codeTtl = pairing.duration("codeTtl", Duration.ofMinutes(10));
        if (codeTtl.compareTo(Duration.ofMinutes(1)) < 0 || codeTtl.compareTo(Duration.ofHours(24)) > 0) {
            throw pairing.error("pairing.codeTtl", "expected between 1m and 24h, got " + Durations.format(codeTtl));
        }
        AgentConfig.PairingConfig pairingConfig = new AgentConfig.PairingConfig(codeTtl,
                pairing.integer("failuresPerMinute", 5, 1, 100));
        pairing.rejectUnknownKeys();
        org.openbell.agent.push.PushConfig push = push(root.section("push"));
        ConfigNode historyNode = root.section("history");
        var historyDefaults = AgentConfig.HistoryConfig.DEFAULTS;
        AgentConfig.HistoryConfig history = new AgentConfig.HistoryConfig(
                historyNode.integer("maxVisits", historyDefaults.maxVisits(), 1, org.openbell.signaling.History.MAX_VISITS),
                historyNode.duration("maxAge", historyDefaults.maxAge(), Duration.ofDays(1), Duration.ofDays(365)));
        historyNode.rejectUnknownKeys();
        ConfigNode ha = root.section("homeAssistant");
        AgentConfig.HomeAssistantConfig homeAssistant = new AgentConfig.HomeAssistantConfig(ha.bool("enabled", false),
                ha.string("discoveryPrefix", AgentConfig.HomeAssistantConfig.OFF.discoveryPrefix()));
        try {
            new org.openbell.signaling.Topics(homeAssistant.discoveryPrefix());
        } catch (IllegalArgumentException e) {
            throw ha.error("homeAssistant.discoveryPrefix", "expected one or more topic levels without wildcards, got \""
                    + homeAssistant.discoveryPrefix() + "\"");
        }
        ha.rejectUnknownKeys();
        Path stateDir = root.path("stateDir", ".openbell");
        root.rejectUnknownKeys();
        return new AgentConfig(deviceConfig, hardware, new AgentConfig.RingConfig(timeout, quietHours), mqtt, brokerConfig, webConfig,
                media, pairingConfig, push, history, homeAssistant, stateDir);
    }

    private static org.openbell.agent.push.PushConfig push(ConfigNode push) {
        var d = org.openbell.agent.push.PushConfig.defaults();
        boolean enabled = push.bool("enabled", d.enabled());
        String contact = push.string("contact", d.contact());
        if (!contact.matches("(mailto:[^\\s@]+@[^\\s@]+|https://[^\\s]+)")) {
            throw push.error("push.contact", "expected mailto:someone@example.org or an https:// URL (push services may contact"
                    + " whoever runs this doorbell), got \"" + contact + "\"");
        }
        java.util.List<String> hosts = push.strings("allowedHosts");
        if (!push.has("allowedHosts")) {
            hosts = d.allowedHosts();
        }
        for (String host : hosts) {
            if (!host.matches("(\\*\\.)?[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?")) {
                throw push.error("push.allowedHosts", "expected host names (or *.domain), optionally with :port, got \"" + host + "\"");
            }
            int colon = host.lastIndexOf(':');
            if (colon > 0 && (Integer.parseInt(host.substring(colon + 1)) < 1 || Integer.parseInt(host.substring(colon + 1)) > 65535)) {
                throw push.error("push.allowedHosts", "port out of range in \"" + host + "\"");
            }
        }
        boolean allowPrivate = push.bool("allowPrivateNetworks", d.allowPrivateNetworks());
        Optional<Path> caFile = push.optionalPath("caFile");
        push.rejectUnknownKeys();
        return new org.openbell.agent.push.PushConfig(enabled, contact, hosts, allowPrivate, caFile);
    }

    private static HardwareConfig hardware(ConfigNode hw) {
        HardwareConfig d = HardwareConfig.defaults();
        HardwareConfig.Mode mode = hw.choice("mode", HardwareConfig.Mode.class, d.mode());
        ConfigNode button = hw.section("button");
        int buttonPin = button.integer("pin", d.buttonPin(), 0, 27);
        HardwareConfig.Pull pull = button.choice("pull", HardwareConfig.Pull.class, d.buttonPull());
        boolean activeLow = button.bool("activeLow", d.buttonActiveLow());
        Duration debounce = button.duration("debounce", d.debounce(), Duration.ofMillis(1), Duration.ofSeconds(1));
        Duration lockout = button.duration("lockout", d.lockout(), Duration.ZERO, Duration.ofMinutes(1));
        button.rejectUnknownKeys();
        ConfigNode chime = hw.section("chime");
        int chimePin = chime.integer("pin", d.chimePin(), 0, 27);
        boolean chimeActiveHigh = chime.bool("activeHigh", d.chimeActiveHigh());
        Duration chimeDuration = chime.duration("duration", d.chimeDuration(), Duration.ofMillis(10), Duration.ofMinutes(1));
        chime.rejectUnknownKeys();
        ConfigNode led = hw.section("led");
        int ledPin = led.integer("pin", d.ledPin(), 0, 27);
        boolean ledActiveHigh = led.bool("activeHigh", d.ledActiveHigh());
        led.rejectUnknownKeys();
        Optional<HardwareConfig.Strike> strike = Optional.empty();
        if (hw.has("strike")) {
            ConfigNode s = hw.section("strike");
            if (!s.has("pin")) {
                throw s.error("hardware.strike.pin", "the door strike's relay pin is required (BCM 0-27)");
            }
            int strikePin = s.integer("pin", 0, 0, 27);
            boolean strikeActiveHigh = s.bool("activeHigh", true);
            Duration pulse = s.duration("pulse", Duration.ofSeconds(3), Duration.ofMillis(500), Duration.ofSeconds(15));
            s.rejectUnknownKeys();
            strike = Optional.of(new HardwareConfig.Strike(strikePin, strikeActiveHigh, pulse));
        }
        Optional<HardwareConfig.Pir> pir = Optional.empty();
        if (hw.has("pir")) {
            ConfigNode p = hw.section("pir");
            if (!p.has("pin")) {
                throw p.error("hardware.pir.pin", "the motion sensor's input pin is required (BCM 0-27)");
            }
            int pirPin = p.integer("pin", 0, 0, 27);
            HardwareConfig.Pull pirPull = p.choice("pull", HardwareConfig.Pull.class, HardwareConfig.Pull.DOWN);
            boolean pirActiveHigh = p.bool("activeHigh", true);
            Duration pirDebounce = p.duration("debounce", Duration.ofMillis(100), Duration.ofMillis(1), Duration.ofSeconds(5));
            Duration hold = p.duration("hold", Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(10));
            p.rejectUnknownKeys();
            pir = Optional.of(new HardwareConfig.Pir(pirPin, pirPull, pirActiveHigh, pirDebounce, hold));
        }
        hw.rejectUnknownKeys();
        try {
            return new HardwareConfig(mode, buttonPin, pull, activeLow, debounce, lockout,
                    chimePin, chimeActiveHigh, chimeDuration, ledPin, ledActiveHigh, strike, pir);
        } catch (IllegalArgumentException e) {
            throw hw.error("hardware", e.getMessage());
        }
    }

    private static MediaConfig media(ConfigNode media, String board) {
        MediaOptions d = MediaOptions.forBoard(board);
        String video = media.string("video", d.video());
        if (!video.equals("synthetic") && !video.equals("rpicam") && !video.equals("auto") && !video.startsWith("v4l2:")) {
            throw media.error("media.video", "expected auto, synthetic, rpicam or v4l2:/dev/videoN, got \"" + video + "\"");
        }
        AudioMode audio = media.choice("audio", AudioMode.class, AudioMode.HEADLESS);
        // The worker itself knows only "pulse" (a sound server) and "headless"; simulated sound is
        // a private sound server the agent runs.
        String audioForWorker = audio == AudioMode.HEADLESS ? "headless" : "pulse";
        int toneHz = media.integer("toneHz", 1000, 100, 8000);
        MediaOptions options;
        try {
            options = new MediaOptions(video, media.integer("width", d.width(), 16, 1920), media.integer("height", d.height(), 16, 1080),
                    media.integer("fps", d.fps(), 1, 60), audioForWorker,
                    media.optionalPath("record"), media.integer("portMin", 0, 0, 65535),
                    media.integer("portMax", 0, 0, 65535));
        } catch (IllegalArgumentException e) {
            throw media.error("media", e.getMessage());
        }
        if ((options.portMin() == 0) != (options.portMax() == 0)) {
            throw media.error("media.portMin", "give both media.portMin and media.portMax, or neither");
        }
        if (options.portMin() != 0 && (options.portMin() < 1024 || options.portMin() > options.portMax())) {
            throw media.error("media.portMin", "expected 1024 <= portMin <= portMax, got " + options.portMin() + ".." + options.portMax());
        }
        List<org.openbell.agent.call.ConfiguredIceServer> iceServers = new ArrayList<>();
        for (ConfigNode server : media.sections("iceServers")) {
            List<String> urls = server.strings("urls");
            if (urls.isEmpty() || urls.size() > 4 || !urls.stream().allMatch(u -> u.matches("(stun|turn|turns):[\\x21-\\x7e]{1,250}"))) {
                throw server.error(server.field("urls"), "expected 1-4 stun:, turn: or turns: URLs without spaces, got " + urls);
            }
            Optional<String> username = server.optionalString("username");
            Optional<String> credential = server.optionalString("credential");
            Optional<String> secret = server.optionalString("secret");
            org.openbell.agent.call.ConfiguredIceServer entry;
            if (secret.isPresent()) {
                if (username.isPresent() || credential.isPresent()) {
                    throw server.error(server.field("secret"), "give either a secret (credentials issued per call) or username and credential, not both");
                }
                if (secret.get().length() < 16) {
                    throw server.error(server.field("secret"), "too short to be a TURN shared secret (at least 16 characters)");
                }
                entry = org.openbell.agent.call.ConfiguredIceServer.withSecret(urls, secret.get(),
                        server.duration("credentialTtl", org.openbell.agent.call.IceServers.DEFAULT_TTL, Duration.ofMinutes(1), Duration.ofDays(7)));
            } else {
                entry = org.openbell.agent.call.ConfiguredIceServer.fixed(urls, username, credential);
            }
            server.rejectUnknownKeys();
            iceServers.add(entry);
        }
        if (iceServers.size() > 4) {
            throw media.error("media.iceServers", "at most 4 servers (the owner gets them with each call's offer), got " + iceServers.size());
        }
        List<String> prefix = media.strings("workerCommandPrefix");
        if (!prefix.isEmpty() && !Executables.found(prefix.get(0))) {
            throw media.error("media.workerCommandPrefix", "no such program: \"" + prefix.get(0)
                    + "\" (not an executable file, nor found on PATH)");
        }
        java.util.Optional<String> pulseServer = media.optionalString("pulseServer");
        // Paths as the worker's prefix sees them (a chroot, an emulated root): not checked here.
        java.util.Optional<String> workerJava = media.optionalString("workerJava");
        java.util.Optional<String> workerClasspath = media.optionalString("workerClasspath");
        if (workerClasspath.isPresent() && workerJava.isEmpty()) {
            throw media.error("media.workerClasspath", "only with media.workerJava (the agent's own Java runs its own class path)");
        }
        // Read before the unknown-key check, which would refuse them otherwise.
        java.time.Duration liveViewMax = media.duration("liveViewMax", MediaConfig.DEFAULT_LIVE_VIEW_MAX,
                java.time.Duration.ofSeconds(30), java.time.Duration.ofHours(1));
        int maxViewers = media.integer("maxViewers", MediaConfig.DEFAULT_MAX_VIEWERS, 1, 8);
        media.rejectUnknownKeys();
        if (audio == AudioMode.SIMULATED && pulseServer.isPresent()) {
            throw media.error("media.pulseServer", "not used with media.audio: simulated (the agent runs its own sound server)");
        }
        return new MediaConfig(options, iceServers, prefix, pulseServer, audio == AudioMode.SIMULATED, toneHz, workerJava, workerClasspath,
                liveViewMax, maxViewers);
    }

    /** How the media worker reaches sound devices. */
    enum AudioMode { HEADLESS, PULSE, SIMULATED }

    private static AgentConfig.MqttConfig mqtt(ConfigNode mqtt) {
        // One broker, or a clustered broker's nodes in the order tried (issue 16: failover).
        java.util.List<String> brokers = mqtt.strings("broker").stream().filter(u -> !u.isBlank()).toList();
        if (brokers.size() > 16 || brokers.stream().distinct().count() != brokers.size()) {
            throw mqtt.error("mqtt.broker", "1-16 different broker URIs, got " + brokers);
        }
        Optional<String> broker = brokers.isEmpty() ? Optional.empty() : Optional.of(brokers.getFirst());
        brokers.forEach(uri -> {
            try {
                URI parsed = new URI(uri);
                String scheme = parsed.getScheme();
                if (scheme == null || !(scheme.equals("tcp") || scheme.equals("ssl") || scheme.equals("ws") || scheme.equals("wss"))
                        || parsed.getHost() == null) {
                    throw mqtt.error("mqtt.broker", "expected tcp://host:port, ssl://host:port, ws:// or wss://, got \"" + uri + "\"");
                }
            } catch (URISyntaxException e) {
                throw mqtt.error("mqtt.broker", "not a URI: \"" + uri + "\"");
            }
        });
        String prefix = mqtt.string("topicPrefix", Topics.defaults().prefix());
        try {
            new Topics(prefix);
        } catch (IllegalArgumentException e) {
            throw mqtt.error("mqtt.topicPrefix", e.getMessage());
        }
        // Browsers' URLs: one, or a clustered broker's nodes in the order the app tries them.
        java.util.List<String> webSocketUrls = mqtt.strings("webSocketUrl").stream().filter(u -> !u.isBlank()).toList();
        if (webSocketUrls.size() > 16 || webSocketUrls.stream().distinct().count() != webSocketUrls.size()
                || webSocketUrls.stream().anyMatch(u -> !(u.startsWith("wss://") || u.startsWith("ws://")))) {
            throw mqtt.error("mqtt.webSocketUrl", "expected 1-16 different ws:// or wss:// URLs, got " + webSocketUrls);
        }
        Optional<String> webSocketUrl = webSocketUrls.isEmpty() ? Optional.empty() : Optional.of(webSocketUrls.getFirst());
        if (broker.isPresent() && webSocketUrl.isEmpty()) {
            throw mqtt.error("mqtt.webSocketUrl", "required with an external broker: the URL owners' browsers use, e.g. wss://{host}:8884/mqtt");
        }
        AgentConfig.MqttConfig config = new AgentConfig.MqttConfig(
                brokers,
                mqtt.optionalString("username"),
                mqtt.optionalString("password"),
                prefix,
                webSocketUrls,
                mqtt.duration("keepAlive", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(65535)),
                mqtt.duration("sessionExpiry", Duration.ofDays(1), Duration.ZERO, Duration.ofDays(365)),
                mqtt.duration("reconnectMin", Duration.ofMillis(250), Duration.ofMillis(10), Duration.ofMinutes(10)),
                mqtt.duration("reconnectMax", Duration.ofSeconds(30), Duration.ofMillis(10), Duration.ofHours(1)),
                mqtt.optionalPath("caFile"),
                mqtt.optionalString("clientId"));
        config.clientId().ifPresent(id -> {
            if (!id.matches("[\\x21-\\x7e]{16,128}")) {
                throw mqtt.error("mqtt.clientId", "expected 16-128 printable characters without spaces (a secret of this doorbell's)");
            }
            if (broker.isEmpty()) {
                throw mqtt.error("mqtt.clientId", "only used with an external broker (the embedded one names the doorbell's session itself)");
            }
        });
        config.caFile().ifPresent(ca -> {
            if (!Files.isReadable(ca)) {
                throw mqtt.error("mqtt.caFile", "cannot read \"" + ca + "\" (a PEM file with the broker's certificate authority)");
            }
            if (broker.isEmpty() || brokers.stream().anyMatch(b -> !(b.startsWith("ssl://") || b.startsWith("wss://")))) {
                throw mqtt.error("mqtt.caFile", "only used with an ssl:// or wss:// broker");
            }
        });
        if (config.reconnectMin().compareTo(config.reconnectMax()) > 0) {
            throw mqtt.error("mqtt.reconnectMin", "must not exceed mqtt.reconnectMax");
        }
        mqtt.rejectUnknownKeys();
        return config;
    }
}
