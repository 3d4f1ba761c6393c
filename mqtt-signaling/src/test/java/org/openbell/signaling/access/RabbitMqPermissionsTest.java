package org.openbell.signaling.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openbell.signaling.Topics;

/** Issue 16: RabbitMQ's topic permissions give each account what the Mosquitto list gives it (checked on routing keys as RabbitMQ makes them). */
class RabbitMqPermissionsTest {

    private final Topics t = Topics.defaults();
    private final Map<String, RabbitMqPermissions.TopicPermission> byAccount = RabbitMqPermissions.of(BrokerAccess.of(t)
            .withDoorbell("front").withDoorbell("back").withOwner("alice", List.of("front")).withOwner("bob", List.of("back"))
            .withHomeAssistant("house", List.of("front")))
            .stream().collect(Collectors.toMap(RabbitMqPermissions.TopicPermission::account, p -> p));

    /** A topic as RabbitMQ's MQTT plugin routes it. */
    private static String key(String topic) {
        return topic.replace('.', '\u0000').replace('/', '.').replace('\u0000', '/');
    }

    private boolean publishes(String account, String topic) {
        return Pattern.matches(byAccount.get(account).write(), key(topic));
    }

    private boolean subscribes(String account, String filter) {
        return Pattern.matches(byAccount.get(account).read(), key(filter).replace('+', '*'));
    }

    @Test
    void aDoorbellWritesItsOwnSubtreeOnlyAndReadsItsOwnersCommands() {
        assertTrue(publishes("doorbell.front", t.rings("front")));
        assertTrue(publishes("doorbell.front", t.deviceToOwner("front", "alice")));
        assertTrue(publishes("doorbell.front", t.homeAssistantState("front")));
        assertTrue(publishes("doorbell.front", BrokerAccess.discoveryTopic("homeassistant", "front")));
        assertFalse(publishes("doorbell.front", t.rings("back")));
        assertFalse(publishes("doorbell.front", t.rings("front-x")), "a doorbell whose id starts alike is another doorbell");
        assertFalse(publishes("doorbell.front", t.ownerToDevice("alice", "front")));
        assertTrue(subscribes("doorbell.front", t.ownerToDeviceFilter("front")));
        assertFalse(subscribes("doorbell.front", t.ownerToDeviceFilter("back")));
        assertFalse(subscribes("doorbell.front", "openbell/#"), "no wildcard reads beyond the grants");
    }

    @Test
    void anOwnerReadsItsDoorbellsTopicsAndWritesOnlyItsOwnCommandTopic() {
        for (String topic : List.of(t.presence("front"), t.pushKey("front"), t.rings("front"), t.snapshots("front"),
                t.capabilities("front"), t.motion("front"), t.deviceToOwner("front", "alice"))) {
            assertTrue(subscribes("owner.alice", topic), topic);
        }
        assertFalse(subscribes("owner.alice", t.rings("back")));
        assertFalse(subscribes("owner.alice", t.deviceToOwner("front", "bob")));
        assertFalse(subscribes("owner.alice", t.ownerToDeviceFilter("front")), "not other owners' commands");
        assertTrue(publishes("owner.alice", t.ownerToDevice("alice", "front")));
        assertFalse(publishes("owner.alice", t.ownerToDevice("bob", "front")));
        assertFalse(publishes("owner.alice", t.ownerToDevice("alice", "back")));
        assertFalse(publishes("owner.alice", t.rings("front")));
    }

    @Test
    void homeAssistantAndTheRegistrarGetTheirsOnly() {
        assertTrue(subscribes("homeassistant.house", BrokerAccess.discoveryTopic("homeassistant", "front")));
        assertTrue(publishes("homeassistant.house", t.homeAssistantCommand("front", "quick-reply")));
        assertFalse(publishes("homeassistant.house", t.homeAssistantCommand("front", "open-everything")));
        assertFalse(subscribes("homeassistant.house", t.rings("front")));
        assertTrue(subscribes("openbell-registrar", t.registryRequestFilter()));
        assertTrue(publishes("openbell-registrar", t.registryReplies("front")));
        assertFalse(publishes("openbell-registrar", t.rings("front")));
    }

    @Test
    void patternsEscapeWhatIsNotALetter() {
        assertEquals("openbell\\.v1\\.doorbells\\.front\\-door(\\..*)?", RabbitMqPermissions.publishPattern("openbell/v1/doorbells/front-door/#"));
        assertEquals("openbell\\.v1\\.owners\\.([^.*#]+|\\*)\\.doorbells\\.front", RabbitMqPermissions.subscribePattern("openbell/v1/owners/+/doorbells/front"));
    }

    /** Found by the access matrix on the cluster: Home Assistant subscribes to the state topics one by one, within its ha/# grant. */
    @Test
    void aReadGrantAllowsEveryFilterWithinItAndNothingBroader() {
        assertTrue(subscribes("homeassistant.house", t.homeAssistantState("front")));
        assertTrue(subscribes("homeassistant.house", t.homeAssistantSubtree("front")));
        assertFalse(subscribes("homeassistant.house", t.homeAssistantState("back")));
        assertFalse(subscribes("homeassistant.house", "openbell/v1/doorbells/+/ha/state"), "not every doorbell's state");
        assertTrue(subscribes("doorbell.front", t.ownerToDevice("alice", "front")), "one owner's commands lie within the filter");
        assertFalse(subscribes("doorbell.front", "openbell/v1/owners/#"), "# is broader than one + level");
    }

    @Test
    void homeAssistantMaySubscribeToDiscoveryAsItDoes() {
        for (String filter : RabbitMqPermissions.homeAssistantDiscoveryFilters("homeassistant")) {
            assertTrue(subscribes("homeassistant.house", filter), filter);
            assertFalse(subscribes("owner.alice", filter), filter);
            assertFalse(subscribes("doorbell.front", filter), filter);
        }
        assertFalse(subscribes("homeassistant.house", "homeassistant/#"));
    }
}
