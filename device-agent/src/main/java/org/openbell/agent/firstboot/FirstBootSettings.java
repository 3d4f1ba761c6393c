package org.openbell.agent.firstboot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.openbell.signaling.Ids;

/**
 * The settings a person writes into {@code openbell.txt} on the SD card's boot partition before the
 * first boot: {@code key = value} lines, {@code #} comments. Parsing checks everything at once and
 * reports every problem with its line number; nothing is applied from a file with any problem.
 *
 * <pre>
 * wifi.country = DE            wifi.ssid = Home           wifi.password = ...
 * device.id = front-door       device.name = Front door   hostname = doorbell     timezone = Europe/Berlin
 * mqtt.broker = ssl://bell.example.org:8883   mqtt.username = doorbell.front-door   mqtt.password = ...
 * mqtt.webSocketUrl = wss://bell.example.org:8884/mqtt      web.ownerAppUrl = https://bell.example.org/
 * turn.urls = turn:bell.example.org:3478?transport=udp, turns:bell.example.org:5349?transport=tcp
 * turn.secret = ...
 * </pre>
 */
public record FirstBootSettings(Map<String, String> values) {

    /** Keys whose values are secrets: never shown in reports. */
    static final List<String> SECRETS = List.of("wifi.password", "mqtt.password", "turn.secret");
    static final List<String> KEYS = List.of("wifi.country", "wifi.ssid", "wifi.password", "device.id", "device.name",
            "hostname", "timezone", "mqtt.broker", "mqtt.username", "mqtt.password", "mqtt.webSocketUrl",
            "web.ownerAppUrl", "turn.urls", "turn.secret");
    private static final Pattern HOSTNAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern TIMEZONE = Pattern.compile("[A-Za-z]+(/[A-Za-z0-9_+-]+){0,2}|UTC");

    /** A file that cannot be applied: every problem found, one per line. */
    public static final class Invalid extends Exception {
        public Invalid(List<String> problems) {
            super(String.join("\n", problems));
        }
    }

    public static FirstBootSettings parse(String text) throws Invalid {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> problems = new java.util.ArrayList<>();
        String[] lines = text.replace("\r\n", "\n").replace("\uFEFF", "").split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            int number = i + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                // Not echoed: a mistyped "wifi.password: secret" would put the secret in the error file and the journal.
                problems.add("line " + number + ": expected key = value (the line is not shown, it may hold a password)");
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (!KEYS.contains(key)) {
                problems.add("line " + number + ": unknown setting \"" + abbreviate(key) + "\" (known: " + String.join(", ", KEYS) + ")");
            } else if (values.containsKey(key)) {
                problems.add("line " + number + ": " + key + " is given twice");
            } else if (value.isEmpty()) {
                problems.add("line " + number + ": " + key + " has no value");
            } else if (value.chars().anyMatch(c -> c < 0x20)) {
                problems.add("line " + number + ": " + key + " contains a control character");
            } else {
                values.put(key, value);
            }
        }
        FirstBootSettings settings = new FirstBootSettings(Map.copyOf(values));
        settings.check(problems);
        if (!problems.isEmpty()) {
            throw new Invalid(problems);
        }
        return settings;
    }

    private void check(List<String> problems) {
        get("device.id").filter(id -> !Ids.isValid(id)).ifPresent(id ->
                problems.add("device.id: 1-64 letters, digits, '-' or '_', got \"" + abbreviate(id) + "\""));
        get("hostname").filter(h -> !HOSTNAME.matcher(h).matches()).ifPresent(h ->
                problems.add("hostname: lower-case letters, digits and '-', got \"" + abbreviate(h) + "\""));
        get("timezone").filter(t -> !TIMEZONE.matcher(t).matches()).ifPresent(t ->
                problems.add("timezone: a name like Europe/Berlin, got \"" + abbreviate(t) + "\""));
        get("wifi.country").filter(c -> !c.matches("[A-Z]{2}")).ifPresent(c ->
                problems.add("wifi.country: a two-letter country code like DE or US, got \"" + abbreviate(c) + "\""));
        if (get("wifi.ssid").isPresent()) {
            if (get("wifi.ssid").get().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 32) {
                problems.add("wifi.ssid: at most 32 bytes");
            }
            get("wifi.password").filter(p -> p.length() < 8 || p.length() > 63).ifPresent(p ->
                    problems.add("wifi.password: WPA passwords have 8 to 63 characters"));
            if (get("wifi.country").isEmpty()) {
                problems.add("wifi.country: required with wifi.ssid (the radio's legal channels depend on it)");
            }
        } else if (get("wifi.password").isPresent() || get("wifi.country").isPresent()) {
            problems.add("wifi.ssid: required with wifi.password or wifi.country");
        }
        if (get("mqtt.broker").isPresent()) {
            if (!get("mqtt.broker").get().matches("(tcp|ssl|ws|wss)://[^\\s]+")) {
                problems.add("mqtt.broker: tcp://, ssl://, ws:// or wss:// followed by host:port, got \"" + abbreviate(get("mqtt.broker").get()) + "\"");
            }
            for (String needed : List.of("mqtt.username", "mqtt.password", "mqtt.webSocketUrl")) {
                if (get(needed).isEmpty()) {
                    problems.add(needed + ": required with mqtt.broker");
                }
            }
        } else {
            for (String orphan : List.of("mqtt.username", "mqtt.password", "mqtt.webSocketUrl")) {
                if (get(orphan).isPresent()) {
                    problems.add(orphan + ": only used with mqtt.broker");
                }
            }
        }
        get("mqtt.webSocketUrl").filter(u -> !u.matches("wss?://[^\\s]+")).ifPresent(u ->
                problems.add("mqtt.webSocketUrl: ws:// or wss:// URL, got \"" + abbreviate(u) + "\""));
        get("web.ownerAppUrl").filter(u -> !u.matches("https?://[^\\s#]+")).ifPresent(u ->
                problems.add("web.ownerAppUrl: an https:// URL, got \"" + abbreviate(u) + "\""));
        if (get("turn.urls").isPresent() != get("turn.secret").isPresent()) {
            problems.add("turn.urls and turn.secret: give both or neither");
        }
        get("turn.urls").ifPresent(urls -> {
            for (String url : urls.split(",")) {
                if (!url.strip().matches("(stun|turn|turns):[\\x21-\\x7e]{1,250}")) {
                    problems.add("turn.urls: stun:, turn: or turns: URLs separated by commas, got \"" + abbreviate(url.strip()) + "\"");
                }
            }
        });
        get("turn.secret").filter(s -> s.length() < 16).ifPresent(s -> problems.add("turn.secret: at least 16 characters"));
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** The settings with secrets masked, for reports and logs. */
    public String summary() {
        StringBuilder text = new StringBuilder();
        for (String key : KEYS) {
            get(key).ifPresent(value -> text.append(key).append(" = ").append(SECRETS.contains(key) ? "(set)" : value).append('\n'));
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return "FirstBootSettings[\n" + summary() + "]";
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
