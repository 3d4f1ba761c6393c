package org.openbell.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** One field of a message schema and the check of its JSON value (rule 9 of docs/protocol.md). */
record Field(String name, Kind kind, boolean required, List<String> choices) {

    enum Kind { ID, TIME, POSITIVE_INT, CHOICE }

    static Field id(String name) {
        return new Field(name, Kind.ID, true, List.of());
    }

    static Field optionalId(String name) {
        return new Field(name, Kind.ID, false, List.of());
    }

    static Field time(String name) {
        return new Field(name, Kind.TIME, true, List.of());
    }

    static Field positiveInt(String name) {
        return new Field(name, Kind.POSITIVE_INT, true, List.of());
    }

    static Field choice(String name, List<String> choices) {
        return new Field(name, Kind.CHOICE, true, List.copyOf(choices));
    }

    /** Null when the value is acceptable, else what is wrong with it. */
    String problem(JsonNode value) {
        return switch (kind) {
            case ID -> value.isTextual() && Ids.isValid(value.textValue()) ? null
                    : "must be an id matching " + Ids.PATTERN.pattern();
            case TIME -> value.isIntegralNumber() && value.canConvertToLong() && value.longValue() >= 0 ? null
                    : "must be milliseconds since the epoch (an integer >= 0)";
            case POSITIVE_INT -> value.isIntegralNumber() && value.canConvertToInt() && value.intValue() >= 1 ? null
                    : "must be an integer >= 1";
            case CHOICE -> value.isTextual() && choices.contains(value.textValue()) ? null
                    : "must be one of " + choices;
        };
    }

    static Instant instant(JsonNode node) {
        return Instant.ofEpochMilli(node.longValue());
    }

    static <E extends Enum<E>> E enumOf(Class<E> type, String wire) {
        return Enum.valueOf(type, wire.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
