package org.openbell.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
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

    String string(String key, String fallback) {
        JsonNode v = value(key);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual() && !v.isNumber() && !v.isBoolean()) {
            throw error(field(key), "expected text, got " + describe(v));
        }
        return v.asText();
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
        JsonNode v = value(key);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        Optional<Duration> parsed = v.isTextual() ? Durations.parse(v.asText()) : Optional.empty();
        if (parsed.isEmpty()) {
            throw error(field(key), "expected a duration such as 15ms, 2s or 1m, got " + describe(v));
        }
        return parsed.get();
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

    private static String describe(JsonNode v) {
        if (v.isObject()) {
            return "a section";
        }
        if (v.isArray()) {
            return "a list";
        }
        String text = v.toString();
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }
}
