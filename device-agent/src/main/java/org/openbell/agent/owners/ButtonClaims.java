package org.openbell.agent.owners;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Pairing the first phone by pressing the doorbell's own button, the way a Wi-Fi router or a
 * smart-home bridge proves that someone is physically there: a phone on the home network asks
 * for a claim, then someone presses the button within {@link #WINDOW}; the claim turns into a
 * one-time pairing code that only that phone can collect (it alone knows the claim's 128-bit id).
 *
 * <p>A press approves a claim only when it is the only one waiting: if two phones asked at the same
 * time, neither gets a code (someone else on the network may be trying to slip in) and both must
 * ask again. The caller offers this only while no phone is paired. Thread-safe.
 */
public final class ButtonClaims {

    /** How long a claim waits for a press, and how long an approved code waits to be collected. */
    public static final Duration WINDOW = Duration.ofMinutes(2);
    static final int MAX_WAITING = 4;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a phone learns when it asks about its claim. */
    public sealed interface Status {
        /** Still waiting for a press, until {@code expiresAt}. */
        record Waiting(Instant expiresAt) implements Status {
        }

        /** The button was pressed: redeem this code (it is handed out once). */
        record Approved(PairingCodes.Issued code) implements Status {
        }

        /** Several phones asked at once: none was approved. */
        record Conflict() implements Status {
        }

        /** No such claim (never made, expired, or already collected). */
        record Unknown() implements Status {
        }
    }

    private static final class Claim {
        final Instant expiresAt;
        PairingCodes.Issued code;
        boolean conflict;

        Claim(Instant expiresAt) {
            this.expiresAt = expiresAt;
        }
    }

    private final Clock clock;
    private final Supplier<PairingCodes.Issued> codes;
    private final Map<String, Claim> claims = new LinkedHashMap<>();

    public ButtonClaims(Clock clock, Supplier<PairingCodes.Issued> codes) {
        this.clock = clock;
        this.codes = codes;
    }

    /** A new claim's id; the oldest waiting claim is dropped when {@value #MAX_WAITING} already wait. */
    public synchronized String open() {
        prune();
        if (claims.size() >= MAX_WAITING) {
            Iterator<String> oldest = claims.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        claims.put(id, new Claim(clock.instant().plus(WINDOW)));
        return id;
    }

    /** The button was pressed: approves the one waiting claim, or none if several wait. */
    public synchronized void pressed() {
        prune();
        var waiting = claims.values().stream().filter(c -> c.code == null && !c.conflict).toList();
        if (waiting.size() == 1) {
            waiting.getFirst().code = codes.get();
        } else if (waiting.size() > 1) {
            waiting.forEach(c -> c.conflict = true);
        }
    }

    /** Where claim {@code id} stands; an approved or conflicting claim is answered once, then forgotten. */
    public synchronized Status status(String id) {
        prune();
        Claim claim = id == null ? null : claims.get(id);
        if (claim == null) {
            return new Status.Unknown();
        }
        if (claim.code != null) {
            claims.remove(id);
            return new Status.Approved(claim.code);
        }
        if (claim.conflict) {
            claims.remove(id);
            return new Status.Conflict();
        }
        return new Status.Waiting(claim.expiresAt);
    }

    private void prune() {
        Instant now = clock.instant();
        claims.values().removeIf(c -> !now.isBefore(c.expiresAt));
    }
}
