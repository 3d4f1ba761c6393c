package org.openbell.signaling;

import java.util.Locale;
import java.util.Optional;

/**
 * An enum whose wire name is its constant name in lower case with dashes
 * ({@code MEDIA_FAILED} is {@code "media-failed"}), so the protocol's vocabulary is written once.
 */
public interface WireEnum {

    default String wireName() {
        return ((Enum<?>) this).name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The constant of {@code type} whose wire name is {@code wire}, if any. */
    static <E extends Enum<E> & WireEnum> Optional<E> parse(Class<E> type, String wire) {
        for (E constant : type.getEnumConstants()) {
            if (constant.wireName().equals(wire)) {
                return Optional.of(constant);
            }
        }
        return Optional.empty();
    }
}
