package org.openbell.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicsTest {

    private final Topics topics = new Topics("home/openbell");

    @Test
    void buildsTheTree() {
        assertEquals("home/openbell/v1/doorbells/front-door/presence", topics.presence("front-door"));
        assertEquals("home/openbell/v1/doorbells/front-door/rings", topics.rings("front-door"));
        assertEquals("home/openbell/v1/owners/alice/doorbells/front-door", topics.ownerToDevice("alice", "front-door"));
        assertEquals("home/openbell/v1/owners/+/doorbells/front-door", topics.ownerToDeviceFilter("front-door"));
        assertEquals("openbell/v1/doorbells/d/rings", Topics.defaults().rings("d"));
        assertEquals("home/openbell/v1/doorbells/front-door/owners/alice", topics.deviceToOwner("front-door", "alice"));
    }

    @Test
    void theOwnerComesFromTheTopic() {
        assertEquals(Optional.of("alice"), topics.ownerOf("home/openbell/v1/owners/alice/doorbells/front-door", "front-door"));
        assertEquals(Optional.empty(), topics.ownerOf("home/openbell/v1/owners/alice/doorbells/back-door", "front-door"));
        assertEquals(Optional.empty(), topics.ownerOf("home/openbell/v1/owners/a/b/doorbells/front-door", "front-door"));
        assertEquals(Optional.empty(), topics.ownerOf("home/openbell/v1/owners//doorbells/front-door", "front-door"));
        assertEquals(Optional.empty(), topics.ownerOf("other/v1/owners/alice/doorbells/front-door", "front-door"));
        assertEquals(Optional.empty(), topics.ownerOf("home/openbell/v1/doorbells/front-door/rings", "front-door"));
        assertEquals(Optional.empty(), topics.ownerOf(null, "front-door"));
    }

    @Test
    void badPrefixesAndIdsAreRefused() {
        for (String bad : new String[] {"", "/a", "a/", "a//b", "a/+", "#"}) {
            assertThrows(IllegalArgumentException.class, () -> new Topics(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> topics.rings("front/door"));
        assertThrows(IllegalArgumentException.class, () -> topics.ownerToDevice("#", "d"));
    }
}
