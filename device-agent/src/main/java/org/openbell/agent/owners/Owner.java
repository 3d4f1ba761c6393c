package org.openbell.agent.owners;

import java.time.Instant;
import java.util.Objects;
import org.openbell.signaling.Ids;
import org.openbell.signaling.access.MosquittoPasswords;

/**
 * A phone paired with this doorbell: its owner id (its broker account is {@code owner.<id>}),
 * the name given when pairing, and the hash of its password (the password itself went to the
 * phone once and is kept nowhere else).
 */
public record Owner(String id, String name, String passwordHash, Instant pairedAt) {

    public Owner {
        Ids.requireValid("ownerId", id);
        Objects.requireNonNull(name, "name");
        if (!MosquittoPasswords.isHash(passwordHash)) {
            throw new IllegalArgumentException("owner " + id + ": passwordHash is not a $7$ hash");
        }
        Objects.requireNonNull(pairedAt, "pairedAt");
    }

    @Override
    public String toString() {
        return "Owner[" + id + ", " + name + "]";
    }
}
