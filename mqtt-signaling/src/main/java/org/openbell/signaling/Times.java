package org.openbell.signaling;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/** Protocol times are whole milliseconds since the epoch, never negative. */
final class Times {

    private Times() {
    }

    static Instant require(String field, Instant value) {
        Objects.requireNonNull(value, field);
        if (value.isBefore(Instant.EPOCH)) {
            throw new IllegalArgumentException(field + " must not be before 1970, was " + value);
        }
        return value.truncatedTo(ChronoUnit.MILLIS);
    }
}
