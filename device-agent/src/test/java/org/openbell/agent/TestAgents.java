package org.openbell.agent;

import java.nio.file.Path;
import java.time.Duration;
import org.openbell.agent.config.AgentConfig;
import org.openbell.agent.config.ConfigLoader;

/** Configs for agents under test: simulated board, an external broker, loopback only, free ports. */
public final class TestAgents {

    private TestAgents() {
    }

    public static AgentConfig config(String brokerTcpUri, String brokerWebSocketUri, Path stateDir, Duration ringTimeout) {
        return config(brokerTcpUri, brokerWebSocketUri, stateDir, ringTimeout, "");
    }

    /** As above, with more settings ({@code extraYaml}: top-level sections not used above, e.g. {@code push}). */
    public static AgentConfig config(String brokerTcpUri, String brokerWebSocketUri, Path stateDir, Duration ringTimeout,
            String extraYaml) {
        return ConfigLoader.parse("""
                device: {id: front-door, name: Front door}
                hardware: {mode: simulated, button: {debounce: 5ms, lockout: 300ms}, chime: {duration: 200ms}}
                ring: {timeout: %s}
                mqtt: {broker: "%s", webSocketUrl: "%s", reconnectMin: 100ms, reconnectMax: 1s, keepAlive: 5s}
                web: {bind: 127.0.0.1, port: 0}
                stateDir: "%s"
                """.formatted(ringTimeout.toMillis() + "ms", brokerTcpUri, brokerWebSocketUri, stateDir) + extraYaml, "test config");
    }
}
