package org.openbell.agent.owners;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One-time pairing codes: 10 characters from a 32-letter alphabet without look-alikes (50 bits),
 * valid for a set time, good for one redemption. Wrong or expired codes are counted: after
 * {@code failuresPerMinute} of them within a minute, every redemption is refused (even of a good
 * code) until the oldest failure is a minute old, so guessing takes longer than any code lives.
 */
public final class PairingCodes {

    static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    static final int LENGTH = 10;
    static final int MAX_LIVE = 10;
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A code as shown to people: {@code ABCD-EFGH-JK}. */
    public record Issued(String code, Instant expiresAt) {
        public String display() {
            return code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8);
        }

        @Override
        public String toString() {
            return "Issued[code hidden, expires " + expiresAt + "]";
        }
    }

    /** What a redemption attempt came to. */
    public enum Outcome { ACCEPTED, UNKNOWN, EXPIRED, USED, RATE_LIMITED }

    private final Clock clock;
    private final Duration ttl;
    private final int failuresPerMinute;
    private final Map<String, Instant> live = new LinkedHashMap<>();
    private final Map<String, Instant> used = new LinkedHashMap<>();
    private final Deque<Instant> failures = new ArrayDeque<>();

    public PairingCodes(Clock clock, Duration ttl, int failuresPerMinute) {
        this.clock = clock;
        this.ttl = ttl;
        this.failuresPerMinute = failuresPerMinute;
    }

    public synchronized Issued issue() {
        Instant now = clock.instant();
        forgetOld(now);
        while (live.size() >= MAX_LIVE) {
            live.remove(live.keySet().iterator().next()); // the oldest code gives way
        }
        StringBuilder code = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        Issued issued = new Issued(code.toString(), now.plus(ttl));
        live.put(issued.code(), issued.expiresAt());
        return issued;
    }

    /** Redeems {@code typed} (case, spaces and dashes ignored); a good code is used up. */
    public synchronized Outcome redeem(String typed) {
        Instant now = clock.instant();
        while (!failures.isEmpty() && !failures.peekFirst().isAfter(now.minus(WINDOW))) {
            failures.removeFirst();
        }
        if (failures.size() >= failuresPerMinute) {
            return Outcome.RATE_LIMITED;
        }
        String code = normalize(typed);
        Instant expiresAt = live.get(code);
        Outcome outcome;
        if (expiresAt != null && now.isBefore(expiresAt)) {
            live.remove(code);
            used.put(code, now);
            return Outcome.ACCEPTED;
        } else if (expiresAt != null) {
            outcome = Outcome.EXPIRED;
        } else if (used.containsKey(code)) {
            outcome = Outcome.USED;
        } else {
            outcome = Outcome.UNKNOWN;
        }
        failures.addLast(now);
        return outcome;
    }

    /** Gives back a code that was accepted but could not be used (the broker did not take the owner). */
    public synchronized void restore(String typed, Instant expiresAt) {
        String code = normalize(typed);
        used.remove(code);
        live.put(code, expiresAt);
    }

    /** When {@code typed} expires, if it is live. */
    public synchronized java.util.Optional<Instant> expiry(String typed) {
        return java.util.Optional.ofNullable(live.get(normalize(typed)));
    }

    static String normalize(String typed) {
        return typed == null ? "" : typed.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
    }

    private void forgetOld(Instant now) {
        live.values().removeIf(expires -> expires.isBefore(now.minus(ttl))); // kept one more ttl to say "expired"
        used.values().removeIf(at -> at.isBefore(now.minus(ttl)));
    }
}
