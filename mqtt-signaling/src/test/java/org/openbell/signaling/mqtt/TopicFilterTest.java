package org.openbell.signaling.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicFilterTest {

    @ParameterizedTest
    @CsvSource({
        "a/b/c, a/b/c, true",
        "a/b/c, a/b/d, false",
        "a/+/c, a/b/c, true",
        "a/+/c, a/b/x/c, false",
        "a/#, a/b/c, true",
        "a/#, a, true",
        "#, a/b, true",
        "+, a, true",
        "+, a/b, false",
        "a/b, a/b/c, false",
        "a/b/c, a/b, false",
        "+/v1/owners/+/doorbells/d, openbell/v1/owners/alice/doorbells/d, true",
        "openbell/v1/owners/+/doorbells/d, openbell/v1/owners/alice/doorbells/e, false",
        "#, $SYS/x, false",
        "a//c, a//c, true",
    })
    void matchesLikeABroker(String filter, String topic, boolean expected) {
        assertEquals(expected, TopicFilter.matches(filter, topic), filter + " vs " + topic);
    }
}
