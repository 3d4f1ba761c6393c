package org.openbell.signaling.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openbell.signaling.Topics;

class BrokerAccessTest {

    private final BrokerAccess access = BrokerAccess.of(Topics.defaults()).withDoorbell("front").withDoorbell("back")
            .withOwner("alice", List.of("front")).withOwner("bob", List.of("front", "back"));

    @Test
    void eachDoorbellAndOwnerHasItsOwnAccount() {
        assertEquals(List.of("openbell-registrar", "doorbell.back", "doorbell.front", "owner.alice", "owner.bob"), access.accounts());
    }

    @Test
    void theAccessListNamesOnlyTopicsOfPairedDoorbellsAndNoWildcardReadsAcrossDoorbells() {
        String acl = access.mosquittoAcl();
        String alice = acl.substring(acl.indexOf("user owner.alice"), acl.indexOf("# owner bob"));
        assertEquals("""
                user owner.alice
                topic read openbell/v1/doorbells/front/presence
                topic read openbell/v1/doorbells/front/push-key
                topic read openbell/v1/doorbells/front/rings
                topic read openbell/v1/doorbells/front/snapshots
                topic read openbell/v1/doorbells/front/capabilities
                topic read openbell/v1/doorbells/front/motion
                topic read openbell/v1/doorbells/front/owners/alice
                topic write openbell/v1/owners/alice/doorbells/front
                
                """, alice);
        assertTrue(acl.contains("user doorbell.front\ntopic write openbell/v1/doorbells/front/#\n"
                + "topic read openbell/v1/owners/+/doorbells/front\n"
                + "topic read openbell/v1/doorbells/front/registry/replies\n"), acl);
        assertTrue(acl.contains("user openbell-registrar\ntopic read openbell/v1/doorbells/+/registry/requests\n"
                + "topic write openbell/v1/doorbells/+/registry/replies\n"), acl);
        assertFalse(acl.contains("pattern"), "explicit rules only");
        assertFalse(acl.lines().anyMatch(l -> l.startsWith("topic") && l.contains("#") && !l.contains("/doorbells/")), acl);
    }

    @Test
    void removingAnOwnerRemovesEveryRuleOfTheirs() {
        String acl = access.withoutOwner("alice").mosquittoAcl();
        assertFalse(acl.contains("alice"), acl);
        assertEquals(List.of("openbell-registrar", "doorbell.back", "doorbell.front", "owner.bob"), access.withoutOwner("alice").accounts());
    }

    @Test
    void pairingWithAnUnknownDoorbellOrABadIdIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> access.withOwner("carol", List.of("garage")));
        assertThrows(IllegalArgumentException.class, () -> access.withOwner("car.ol", List.of("front")));
        assertThrows(IllegalArgumentException.class, () -> access.withDoorbell("front/#"));
    }

    @Test
    void passwordEntriesUseMosquittosFormat() {
        String entry = MosquittoPasswords.entry("owner.alice", "secret");
        assertTrue(entry.matches("owner\\.alice:\\$7\\$101\\$[A-Za-z0-9+/=]{16}\\$[A-Za-z0-9+/=]{88}"), entry);
        assertThrows(IllegalArgumentException.class, () -> MosquittoPasswords.entry("a:b", "x"));
        assertEquals(32, MosquittoPasswords.newPassword().length());
    }

    @Test
    void aHashMatchesOnlyItsPasswordAndNothingButAHashIsAccepted() {
        String hash = MosquittoPasswords.hash("the-password");
        assertTrue(MosquittoPasswords.matches("the-password", hash));
        assertFalse(MosquittoPasswords.matches("the-passworD", hash));
        assertFalse(MosquittoPasswords.matches("the-password", hash.replace("$7$101$", "$7$102$")));
        // What a forged request could try: a second password file line, a colon, absurd work.
        assertFalse(MosquittoPasswords.isHash(hash + "\nowner.mallory:" + hash));
        assertFalse(MosquittoPasswords.isHash(hash.replace("$7$101$", "$7$101:$")));
        assertFalse(MosquittoPasswords.isHash(hash.replace("$7$101$", "$7$999999$")));
        assertFalse(MosquittoPasswords.isHash("plain-text"));
        assertThrows(IllegalArgumentException.class, () -> MosquittoPasswords.entryWithHash("owner.x", hash + "\nx"));
    }
}
