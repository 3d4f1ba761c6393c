package org.openbell.brokertools;

import org.openbell.signaling.access.MosquittoPasswords;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.openbell.signaling.Ids;

/**
 * The owners doorbells paired through the {@link Registrar}: owner id to the doorbell that paired
 * them and the hash of the password that doorbell generated (the registrar never sees the password).
 * Immutable; kept in {@code paired-owners.json} by {@link BrokerFolder}.
 */
public record PairedOwners(Map<String, Owner> owners) {

    /** One paired owner. */
    public record Owner(String deviceId, String passwordHash, Instant pairedAt) {
        public Owner {
            Ids.requireValid("deviceId", deviceId);
            if (!MosquittoPasswords.isHash(passwordHash)) {
                throw new IllegalArgumentException("passwordHash is not a Mosquitto $7$ hash");
            }
            Objects.requireNonNull(pairedAt, "pairedAt");
        }
    }

    public PairedOwners {
        owners.keySet().forEach(id -> Ids.requireValid("ownerId", id));
        owners = Map.copyOf(owners);
    }

    public static PairedOwners none() {
        return new PairedOwners(Map.of());
    }

    public PairedOwners with(String ownerId, Owner owner) {
        Map<String, Owner> next = new TreeMap<>(owners);
        next.put(Ids.requireValid("ownerId", ownerId), owner);
        return new PairedOwners(next);
    }

    public PairedOwners without(String ownerId) {
        Map<String, Owner> next = new TreeMap<>(owners);
        next.remove(ownerId);
        return new PairedOwners(next);
    }

    /** How many owners {@code deviceId} has paired. */
    public long pairedBy(String deviceId) {
        return owners.values().stream().filter(o -> o.deviceId().equals(deviceId)).count();
    }
}
