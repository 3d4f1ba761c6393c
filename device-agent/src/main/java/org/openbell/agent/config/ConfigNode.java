package org.openbell.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A section of the config file being read: typed getters with defaults, errors that name the
 * field's full path, and a check that no unknown key was left over (a typo is an error, not a
 * silently ignored setting).
 */
final class ConfigNode {

    private final JsonNode node;
    private final String path;
    private final String source;
    private final Set<String> read = new HashSet<>();

    ConfigNode(JsonNode node, String path, String source) {
        this.node = node == null || node.isNull() ? MissingNode.getInstance() : node;
        this.path = path;
        this.source = source;
        if (!this.node.isMissingNode() && !this.node.isObject()) {
            throw error(path.isEmpty() ? "the file" : path, "expected a section of settings, got " + describe(this.node));
        }
    }

    ConfigNode section(String key) {
        return new ConfigNode(value(key), field(key), source);
    }

    /** Whether {@code key} is set (to anything but null). */
    boolean has(String key) {
        JsonNode v = value(key);
        return !v.isMissingNode() && !v.isNull();
    }

    /** Longest text value accepted: no setting needs more, and a huge one is a mistake or an attack. */
    static final int MAX_TEXT = 4096;
    /** Longest duration accepted anywhere: beyond it, arithmetic on it could overflow. */
    static final Duration MAX_DURATION = Duration.ofDays(365);

    String string(String key, String fallback) {
        JsonNode v = value(key);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual() && !v.isNumber() && !v.isBoolean()) {
            throw error(field(key), "expected text, got " + describe(v));
        }
        String text = v.asText();
        if (text.length() > MAX_TEXT) {
            throw error(field(key), "too long (" + text.length() + " characters; at most " + MAX_TEXT + ")");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw error(field(key), "contains a control character (U+" + String.format("%04X", (int) c) + ")");
            }
        }
        return text;
    }

    /** A file or folder name; empty when absent. */
    Optional<Path> optionalPath(String key) {
        return optionalString(key).map(text -> {
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw error(field(key), "not a usable path: " + e.getReason());
            }
        });
    }

    Path path(String key, String fallback) {
        return optionalPath(key).orElse(Path.of(fallback));
    }

    /** A bind address: an IP address (or {@code localhost}), never a name to look up. */
    String bindAddress(String key, String fallback) {
        String text = string(key, fallback);
        if (text.equals("localhost")) {
            return "127.0.0.1";
        }
        try {
            java.net.InetAddress.ofLiteral(text);
            return text;
        } catch (IllegalArgumentException e) {
            throw error(field(key), "expected an IP address of this machine such as 0.0.0.0, 127.0.0.1 or ::, got \"" + text + "\"");
        }
    }

    Optional<String> optionalString(String key) {
        String s = string(key, "");
        return s.isBlank() ? Optional.empty() : Optional.of(s);
    }

    int integer(String key, int fallback, int min, int max) {
        JsonNode v = value(key);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw error(field(key), "expected a whole number from " + min + " to " + max + ", got " + describe(v));
        }
        return v.asInt();
    }

    boolean bool(String key, boolean fallback) {
        JsonNode v = value(key);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw error(field(key), "expected true or false, got " + describe(v));
        }
        return v.asBoolean();
    }

    Duration duration(String key, Duration fallback) {
        return duration(key, fallback, Duration.ZERO, MAX_DURATION);
    }

    /** A duration from {@code min} to {@code max} (and never over {@link #MAX_DURATION}). */
    Duration duration(String key, Duration fallback, Duration min, Duration max) {
        JsonNode v = value(key);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        Optional<Duration> parsed = v.isTextual() ? Durations.parse(v.asText()) : Optional.empty();
        if (parsed.isEmpty()) {
            throw error(field(key), "expected a duration such as 15ms, 2s or 1m, got " + describe(v));
        }
        Duration d = parsed.get();
        Duration upper = max.compareTo(MAX_DURATION) < 0 ? max : MAX_DURATION;
        if (d.compareTo(min) < 0 || d.compareTo(upper) > 0) {
            throw error(field(key), "expected from " + Durations.format(min) + " to " + Durations.format(upper) + ", got " + v.asText());
        }
        return d;
    }

    <E extends Enum<E>> E choice(String key, Class<E> type, E fallback) {
        String s = string(key, null);
        if (s == null) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            Set<String> allowed = new TreeSet<>();
            for (E c : type.getEnumConstants()) {
                allowed.add(c.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            throw error(field(key), "expected one of " + allowed + ", got \"" + s + "\"");
        }
    }

    /** A list of sections (each checked by the caller); empty when absent. */
    java.util.List<ConfigNode> sections(String key) {
        JsonNode v = value(key);
        if (v.isMissingNode() || v.isNull()) {
            return java.util.List.of();
        }
        if (!v.isArray()) {
            throw error(field(key), "expected a list, got " + describe(v));
        }
        java.util.List<ConfigNode> list = new java.util.ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            list.add(new ConfigNode(v.get(i), field(key) + "[" + i + "]", source));
        }
        return list;
    }

    /** A list of texts; empty when absent. A single text counts as a list of one. */
    java.util.List<String> strings(String key) {
        JsonNode v = value(key);
        if (v.isMissingNode() || v.isNull()) {
            return java.util.List.of();
        }
        if (v.isTextual()) {
            return java.util.List.of(v.asText());
        }
        if (!v.isArray()) {
            throw error(field(key), "expected a list of texts, got " + describe(v));
        }
        java.util.List<String> list = new java.util.ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw error(field(key), "expected texts only, got " + describe(item));
            }
            list.add(item.asText());
        }
        return list;
    }

    /** Fails on any key of this section that no getter asked for. */
    void rejectUnknownKeys() {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!read.contains(key)) {
                throw error(field(key), "unknown setting (check the spelling against config/openbell.example.yml)");
            }
        }
    }

    ConfigException error(String field, String problem) {
        return new ConfigException("config error in " + source + " at " + field + ": " + problem);
    }

    String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private JsonNode value(String key) {
        read.add(key);
        return node.path(key);
    }

    static String describe(JsonNode v) {
        if (v.isObject()) {
            return "a section";
        }
        if (v.isArray()) {
            return "a list";
        }
        String text = v.toString();
        return org.openbell.signaling.LogSafe.text(text.length() > 60 ? text.substring(0, 60) + "..." : text);
    }
}
