package org.openbell.agent.firstboot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openbell.agent.config.ConfigException;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.signaling.access.AtomicFiles;

/**
 * Applies {@code openbell.txt} from the boot partition to a system root: the doorbell's config
 * ({@code /etc/openbell/openbell.yml}, the given keys merged into what is there), the Wi-Fi
 * connection (NetworkManager keyfile, mode 600) and radio country, host name and time zone.
 * All or nothing: every output is prepared and the resulting doorbell config is checked before
 * anything is written, and each file is then replaced atomically. Afterwards the settings file,
 * which holds passwords, is removed from the boot partition and {@code openbell-applied.txt}
 * (without secrets) is left there; a file that cannot be applied stays, with
 * {@code openbell-error.txt} beside it saying why.
 */
public final class FirstBoot {

    public static final String SETTINGS = "openbell.txt";
    public static final String APPLIED = "openbell-applied.txt";
    public static final String ERROR = "openbell-error.txt";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    /** What happened. */
    public enum Outcome { NOTHING_TO_DO, APPLIED, INVALID }

    /** A file to write, and its mode: system files under /etc stay world-readable, secrets 600. */
    private record Output(String content, String mode) {
        static final String SECRET = "rw-------";
        static final String SERVICE = "rw-r-----";
        static final String SYSTEM = "rw-r--r--";
    }

    private FirstBoot() {
    }

    /**
     * The settings file's text: UTF-8 (a byte order mark is dropped), else Windows-1252, what
     * Notepad and most editors on a Western Windows save as "ANSI" (a superset of Latin-1): a Wi-Fi
     * named "Café" typed there must still work.
     */
    static String text(byte[] bytes) {
        int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf ? 3 : 0;
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes, start, bytes.length - start)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return new String(bytes, java.nio.charset.Charset.forName("windows-1252"));
        }
    }

    /** Applies {@code bootDir/openbell.txt} to the system under {@code root}, if there is one. */
    public static Outcome apply(Path bootDir, Path root, Instant now) throws IOException {
        Path settingsFile = bootDir.resolve(SETTINGS);
        if (!Files.exists(settingsFile)) {
            return Outcome.NOTHING_TO_DO;
        }
        Map<Path, Output> outputs;
        FirstBootSettings settings;
        try {
            settings = FirstBootSettings.parse(text(Files.readAllBytes(settingsFile)));
            outputs = prepare(settings, root, now);
        } catch (FirstBootSettings.Invalid e) {
            AtomicFiles.write(bootDir.resolve(ERROR), "Openbell could not apply " + SETTINGS + " (" + now + "); nothing was changed.\n"
                    + "Fix these and boot again:\n" + e.getMessage() + "\n", false);
            return Outcome.INVALID;
        }
        for (Map.Entry<Path, Output> out : outputs.entrySet()) {
            Path parent = Files.createDirectories(out.getKey().getParent());
            AtomicFiles.write(out.getKey(), out.getValue().content().getBytes(StandardCharsets.UTF_8), out.getValue().mode());
            // The file's group is its folder's: /etc/openbell is root:openbell, so the service reads its config.
            Files.setAttribute(out.getKey(), "posix:group", Files.readAttributes(parent,
                    java.nio.file.attribute.PosixFileAttributes.class).group());
        }
        settings.get("timezone").ifPresent(zone -> linkTimezone(root, zone));
        AtomicFiles.write(bootDir.resolve(APPLIED), "Openbell applied these settings on " + now + " (passwords not shown; "
                + SETTINGS + " was removed because it held them):\n" + settings.summary(), false);
        Files.deleteIfExists(bootDir.resolve(ERROR));
        Files.delete(settingsFile);
        return Outcome.APPLIED;
    }

    private static Map<Path, Output> prepare(FirstBootSettings s, Path root, Instant now) throws IOException, FirstBootSettings.Invalid {
        Map<Path, Output> outputs = new LinkedHashMap<>();
        Path configFile = root.resolve("etc/openbell/openbell.yml");
        String config = doorbellConfig(s, configFile, now);
        try {
            ConfigLoader.parse(config, SETTINGS);
        } catch (ConfigException e) {
            throw new FirstBootSettings.Invalid(List.of("the doorbell's configuration would not be valid: " + e.getMessage()));
        }
        outputs.put(configFile, new Output(config, Output.SERVICE)); // the folder's group (openbell) reads it
        if (s.get("wifi.ssid").isPresent()) {
            outputs.put(root.resolve("etc/NetworkManager/system-connections/openbell-wifi.nmconnection"), new Output(wifi(s), Output.SECRET));
            outputs.put(root.resolve("etc/modprobe.d/openbell-wifi-country.conf"), new Output(
                    "# Written by openbell-firstboot: the Wi-Fi radio's regulatory country.\noptions cfg80211 ieee80211_regdom="
                            + s.get("wifi.country").orElseThrow() + "\n", Output.SYSTEM));
        }
        if (s.get("hostname").isPresent()) {
            String host = s.get("hostname").get();
            outputs.put(root.resolve("etc/hostname"), new Output(host + "\n", Output.SYSTEM));
            outputs.put(root.resolve("etc/hosts"), new Output(hosts(root.resolve("etc/hosts"), host), Output.SYSTEM));
        }
        if (s.get("timezone").isPresent()) {
            String zone = s.get("timezone").get();
            if (!Files.exists(root.resolve("usr/share/zoneinfo").resolve(zone))) {
                throw new FirstBootSettings.Invalid(List.of("timezone: no time zone " + zone + " on this system"));
            }
            outputs.put(root.resolve("etc/timezone"), new Output(zone + "\n", Output.SYSTEM));
        }
        return outputs;
    }

    /** The existing doorbell config (if any) with the given settings merged in. */
    private static String doorbellConfig(FirstBootSettings s, Path existing, Instant now) throws IOException, FirstBootSettings.Invalid {
        ObjectNode root;
        try {
            JsonNode tree = Files.exists(existing) ? YAML.readTree(existing.toFile()) : null;
            root = tree instanceof ObjectNode o ? o : YAML.createObjectNode();
        } catch (IOException e) {
            throw new FirstBootSettings.Invalid(List.of(existing + " is not valid YAML: " + e.getMessage()));
        }
        s.get("device.id").ifPresent(v -> root.withObject("device").put("id", v));
        s.get("device.name").ifPresent(v -> root.withObject("device").put("name", v));
        if (s.get("mqtt.broker").isPresent()) {
            ObjectNode mqtt = root.withObject("mqtt");
            mqtt.put("broker", s.get("mqtt.broker").get());
            mqtt.put("username", s.get("mqtt.username").orElseThrow());
            mqtt.put("password", s.get("mqtt.password").orElseThrow());
            mqtt.put("webSocketUrl", s.get("mqtt.webSocketUrl").orElseThrow());
        }
        s.get("web.ownerAppUrl").ifPresent(v -> root.withObject("web").put("ownerAppUrl", v));
        if (s.get("turn.urls").isPresent()) {
            ObjectNode turn = YAML.createObjectNode();
            for (String url : s.get("turn.urls").get().split(",")) {
                turn.withArray("urls").add(url.strip());
            }
            turn.put("secret", s.get("turn.secret").orElseThrow());
            root.withObject("media").putArray("iceServers").add(turn);
        }
        if (!root.has("stateDir")) {
            root.put("stateDir", "/var/lib/openbell");
        }
        return "# Openbell doorbell configuration (settings from " + SETTINGS + " merged in on " + now + ").\n"
                + "# Every setting is described in /usr/share/doc/openbell/openbell.example.yml.\n" + YAML.writeValueAsString(root);
    }

    private static String wifi(FirstBootSettings s) {
        StringBuilder file = new StringBuilder("""
                # Written by openbell-firstboot from the boot partition's openbell.txt.
                [connection]
                id=openbell-wifi
                type=wifi
                autoconnect=true

                [wifi]
                mode=infrastructure
                ssid=%s

                """.formatted(keyfileString(s.get("wifi.ssid").orElseThrow())));
        s.get("wifi.password").ifPresent(p -> file.append("[wifi-security]\nkey-mgmt=wpa-psk\npsk=").append(keyfileString(p)).append("\n\n"));
        file.append("[ipv4]\nmethod=auto\n\n[ipv6]\nmethod=auto\n");
        return file.toString();
    }

    /**
     * A value as a NetworkManager keyfile (GKeyFile) string: a backslash starts an escape there
     * ("\\s" is a space), so it is doubled. Values never hold control characters or edge spaces
     * (FirstBootSettings refuses and strips them).
     */
    static String keyfileString(String value) {
        return value.replace("\\", "\\\\");
    }

    private static String hosts(Path hosts, String host) throws IOException {
        List<String> lines = new ArrayList<>(Files.exists(hosts) ? Files.readAllLines(hosts) : List.of("127.0.0.1\tlocalhost"));
        lines.removeIf(l -> l.startsWith("127.0.1.1"));
        lines.add("127.0.1.1\t" + host);
        return String.join("\n", lines) + "\n";
    }

    private static void linkTimezone(Path root, String zone) {
        Path link = root.resolve("etc/localtime");
        Path tmp = root.resolve("etc/.localtime.openbell");
        try {
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, Path.of("/usr/share/zoneinfo").resolve(zone));
            Files.move(tmp, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot set the time zone link " + link, e);
        }
    }
}
