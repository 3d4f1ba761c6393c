package org.openbell.agent.owners;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openbell.signaling.Ids;
import org.openbell.signaling.access.BrokerAccess;
import org.openbell.signaling.access.MosquittoPasswords;
import org.openbell.signaling.access.RegistryMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pairing phones with this doorbell: an owner (or someone on the device itself) asks for a
 * one-time code; a phone redeems it with a name and receives its own broker account
 * ({@code owner.<id>} and a fresh password), which the broker's registrar enables for this doorbell
 * alone. Any paired owner can list and remove owners; removal takes the account off the broker at once.
 * The doorbell keeps only password hashes.
 */
public final class Pairing {

    private static final Logger log = LoggerFactory.getLogger(Pairing.class);
    static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ID_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789";

    /** Asks the broker's registrar (over MQTT, on this doorbell's own registry topic). */
    @FunctionalInterface
    public interface Registry {
        CompletableFuture<RegistryMessages.Reply> ask(RegistryMessages.Request request);
    }

    /** What a phone receives once, when it pairs. */
    public record Paired(String ownerId, String username, String password) {
        @Override
        public String toString() {
            return "Paired[" + ownerId + ", password hidden]";
        }
    }

    private final OwnerStore store;
    private final PairingCodes codes;
    private final Registry registry;
    private final Clock clock;
    private final ButtonClaims claims;
    private final List<java.util.function.Consumer<String>> removed = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Pairing(OwnerStore store, PairingCodes codes, Registry registry, Clock clock) {
        this.store = store;
        this.codes = codes;
        this.registry = registry;
        this.clock = clock;
        this.claims = new ButtonClaims(clock, codes::issue);
    }

    public PairingCodes.Issued newCode() {
        return codes.issue();
    }

    /** Whether the first phone may pair with the doorbell's button (no phone is paired yet). */
    public boolean buttonPairingOpen() {
        return store.owners().isEmpty() && store.unreadable().isEmpty();
    }

    /** A phone asks to pair with the button; answers the claim's id (see {@link ButtonClaims}). */
    public String openButtonClaim() throws PairingException {
        if (!buttonPairingOpen()) {
            throw new PairingException(403, "a phone is already paired: ask its owner for a pairing code (Phones, Add a phone)");
        }
        return claims.open();
    }

    /** Where a button claim stands. */
    public ButtonClaims.Status buttonClaim(String id) {
        return claims.status(id);
    }

    /** The doorbell's button was pressed (called for every press; must not block). */
    public void buttonPressed() {
        if (buttonPairingOpen()) {
            claims.pressed();
        }
    }

    /** Redeems {@code code} for a phone called {@code name}; blocks until the registrar answers. */
    public Paired redeem(String code, String name) throws PairingException {
        String cleanName = validName(name);
        Optional<Instant> expiry = codes.expiry(code);
        switch (codes.redeem(code)) {
            case ACCEPTED -> {
            }
            case RATE_LIMITED -> throw new PairingException(429, "too many wrong codes: wait a minute and try again");
            case EXPIRED -> throw new PairingException(410, "this pairing code has expired: ask for a new one");
            case USED -> throw new PairingException(410, "this pairing code was already used: ask for a new one");
            case UNKNOWN -> throw new PairingException(403, "this is not a valid pairing code");
        }
        String ownerId = newOwnerId(cleanName);
        String password = MosquittoPasswords.newPassword();
        String hash = MosquittoPasswords.hash(password);
        try {
            ask(new RegistryMessages.PairOwner(Ids.newSessionId(), ownerId, hash));
        } catch (PairingException e) {
            expiry.ifPresent(at -> codes.restore(code, at)); // not used up: the phone can try again
            if (e.status() == 503 || e.status() == 504) {
                // No answer: the registrar may still apply the request later. Taking the account back
                // (queued behind it on the same topic) leaves no account that nobody knows the password of.
                undoInBackground(ownerId);
            }
            throw e;
        }
        try {
            store.add(new Owner(ownerId, cleanName, hash, clock.instant()));
        } catch (IOException e) {
            log.error("Paired {} on the broker but could not record it: {}", ownerId, e.getMessage());
            undo(ownerId);
            expiry.ifPresent(at -> codes.restore(code, at));
            throw new PairingException(500, "the doorbell could not record the new phone: " + e.getMessage());
        }
        log.info("Paired a phone: owner {} ('{}')", ownerId, cleanName);
        return new Paired(ownerId, BrokerAccess.OWNER_PREFIX + ownerId, password);
    }

    /** Takes {@code ownerId} off the broker, then off this doorbell's list. */
    public void remove(String ownerId) throws PairingException {
        if (store.find(ownerId).isEmpty()) {
            throw new PairingException(404, "no paired phone " + (Ids.isValid(ownerId) ? ownerId : ""));
        }
        ask(new RegistryMessages.RemoveOwner(Ids.newSessionId(), ownerId));
        try {
            store.remove(ownerId);
        } catch (IOException e) {
            throw new PairingException(500, "removed from the broker, but the doorbell could not update its list: " + e.getMessage());
        }
        log.info("Removed owner {}", ownerId);
        removed.forEach(listener -> listener.accept(ownerId));
    }

    /** Told the id of every phone removed (its push subscriptions go with it). */
    public void onRemoved(java.util.function.Consumer<String> listener) {
        removed.add(listener);
    }

    public List<Owner> owners() {
        return store.owners();
    }

    /** The owner an HTTP {@code Authorization: Basic} header proves to be, if any. */
    public Optional<Owner> authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || !decoded.startsWith(BrokerAccess.OWNER_PREFIX)) {
            return Optional.empty();
        }
        String id = decoded.substring(BrokerAccess.OWNER_PREFIX.length(), colon);
        return store.find(id).filter(o -> MosquittoPasswords.matches(decoded.substring(colon + 1), o.passwordHash()));
    }

    private void ask(RegistryMessages.Request request) throws PairingException {
        if (store.unreadable().isPresent()) {
            throw new PairingException(503, store.unreadable().get());
        }
        RegistryMessages.Reply reply;
        try {
            reply = registry.ask(request).get(REGISTRY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new PairingException(504, "the broker's registrar did not answer within " + REGISTRY_TIMEOUT.toSeconds()
                    + " s: is it running, and is the doorbell connected? Try again.");
        } catch (ExecutionException e) {
            throw new PairingException(503, "cannot reach the broker's registrar: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PairingException(503, "the doorbell is stopping");
        }
        if (!reply.ok()) {
            throw new PairingException(502, "the broker's registrar refused: " + reply.error().orElse(""));
        }
    }

    private void undoInBackground(String ownerId) {
        try {
            registry.ask(new RegistryMessages.RemoveOwner(Ids.newSessionId(), ownerId)).whenComplete((reply, failure) -> {
                if (failure != null || !reply.ok()) {
                    log.warn("Could not take the unfinished pairing {} back off the broker: {}", ownerId,
                            failure != null ? failure.getMessage() : reply.error().orElse(""));
                }
            });
        } catch (RuntimeException e) {
            log.warn("Could not take the unfinished pairing {} back off the broker: {}", ownerId, e.getMessage());
        }
    }

    private void undo(String ownerId) {
        try {
            ask(new RegistryMessages.RemoveOwner(Ids.newSessionId(), ownerId));
        } catch (PairingException e) {
            log.error("Could not take {} back off the broker: {}", ownerId, e.getMessage());
        }
    }

    static String validName(String name) throws PairingException {
        String clean = name == null ? "" : name.strip();
        if (clean.isEmpty() || clean.length() > 40 || clean.codePoints().anyMatch(Character::isISOControl)) {
            throw new PairingException(400, "give this phone a name of 1 to 40 characters (for example \"Alice's phone\")");
        }
        return clean;
    }

    /** A readable, unguessable id: the name's letters and 8 random ones, e.g. {@code alice-k3m9qx2p}. */
    static String newOwnerId(String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        slug = slug.length() > 20 ? slug.substring(0, 20).replaceAll("-+$", "") : slug;
        StringBuilder id = new StringBuilder(slug.isEmpty() ? "phone" : slug).append('-');
        for (int i = 0; i < 8; i++) {
            id.append(ID_LETTERS.charAt(RANDOM.nextInt(ID_LETTERS.length())));
        }
        return id.toString();
    }
}
