package org.openbell.signaling.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The same access as the Mosquitto list ({@link BrokerAccess}), as RabbitMQ topic permissions on
 * {@code amq.topic} (issue 16): one write and one read regular expression per account. RabbitMQ's
 * MQTT plugin turns a topic into a routing key ({@code /} becomes {@code .}, {@code .} becomes
 * {@code /}) and checks a publish's routing key against the write expression, and a subscription's
 * filter, as written ({@code +} becomes {@code *}, {@code #} stays), against the read expression: so
 * a write grant's wildcards match any level, and a read grant allows any filter that lies within it
 * (the grant itself, or narrower: {@code .../ha/#} allows {@code .../ha/state}); a broader filter,
 * say {@code openbell/#}, is refused rather than filtered as Mosquitto does.
 *
 * <p>Home Assistant subscribes to discovery with {@code <prefix>/+/+/config} and
 * {@code <prefix>/+/+/+/config} only, which RabbitMQ cannot narrow to its own doorbells: a Home
 * Assistant account may subscribe to both, and so reads the discovery of every doorbell in the
 * virtual host (names and topics, nothing the doorbells send their owners). docs/fleet.md says so;
 * a household that must not see the others' doorbells gets a virtual host of its own.
 */
public final class RabbitMqPermissions {

    /** One account's topic permission: {@code rabbitmqctl set_topic_permissions -p VHOST ACCOUNT amq.topic WRITE READ}. */
    public record TopicPermission(String account, String write, String read) {
    }

    private RabbitMqPermissions() {
    }

    /** Every account's topic permission, in {@link BrokerAccess#accounts()} order. */
    public static List<TopicPermission> of(BrokerAccess access) {
        List<TopicPermission> permissions = new ArrayList<>();
        for (Map.Entry<String, List<BrokerAccess.Grant>> account : access.grantsByAccount().entrySet()) {
            List<String> write = new ArrayList<>();
            List<String> read = new ArrayList<>();
            if (account.getKey().startsWith(BrokerAccess.HOME_ASSISTANT_PREFIX)) {
                for (String filter : homeAssistantDiscoveryFilters(access.discoveryPrefix())) {
                    read.add(subscribePattern(filter));
                }
            }
            for (BrokerAccess.Grant grant : account.getValue()) {
                if (grant.write()) {
                    write.add(publishPattern(grant.topicFilter()));
                } else {
                    read.add(subscribePattern(grant.topicFilter()));
                }
            }
            permissions.add(new TopicPermission(account.getKey(), anyOf(write), anyOf(read)));
        }
        return permissions;
    }

    private static String anyOf(List<String> patterns) {
        return patterns.isEmpty() ? "^$" : "^(" + String.join("|", patterns.stream().distinct().toList()) + ")$";
    }

    /** The routing keys a publish may have under MQTT filter {@code filter} (its wildcards match levels). */
    static String publishPattern(String filter) {
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < filter.length(); i++) {
            char c = filter.charAt(i);
            switch (c) {
                case '/' -> p.append(i + 1 < filter.length() && filter.charAt(i + 1) == '#' ? "(\\..*)?" : "\\.");
                case '+' -> p.append("[^.]+");
                case '#' -> {
                    if (i == 0) {
                        p.append(".*");
                    }
                }
                default -> literal(p, c);
            }
        }
        return p.toString();
    }

    /** The filters Home Assistant's MQTT integration subscribes to for discovery under {@code prefix}. */
    public static List<String> homeAssistantDiscoveryFilters(String prefix) {
        return List.of(prefix + "/+/+/config", prefix + "/+/+/+/config");
    }

    /**
     * The subscription filters, as RabbitMQ writes them ({@code +} as {@code *}), that lie within
     * {@code filter}: a {@code +} level may be any name or {@code *}, a trailing {@code #} any levels
     * or wildcards.
     */
    static String subscribePattern(String filter) {
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < filter.length(); i++) {
            char c = filter.charAt(i);
            switch (c) {
                case '/' -> p.append(i + 1 < filter.length() && filter.charAt(i + 1) == '#' ? "(\\..*)?" : "\\.");
                case '+' -> p.append("([^.*#]+|\\*)");
                case '#' -> {
                    if (i == 0) {
                        p.append(".*");
                    }
                }
                default -> literal(p, c);
            }
        }
        return p.toString();
    }

    private static void literal(StringBuilder p, char c) {
        if (c == '.') {
            p.append('/'); // a dot in a topic is a slash in its routing key
        } else if (Character.isLetterOrDigit(c) || c == '_') {
            p.append(c);
        } else {
            p.append('\\').append(c);
        }
    }
}
