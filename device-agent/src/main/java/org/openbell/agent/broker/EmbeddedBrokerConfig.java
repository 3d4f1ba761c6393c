package org.openbell.agent.broker;

/**
 * Where the embedded broker listens.
 *
 * @param tcpBind       address of the MQTT/TCP listener (the agent's own connection; loopback by default)
 * @param tcpPort       its port
 * @param webSocketBind address of the WebSocket listener owners' browsers use
 * @param webSocketPort its port (path {@code /mqtt})
 * @param webSocketTls  serve {@code wss://} with the agent's certificate (phones need it: an HTTPS
 *                      page may not open a plain {@code ws://} connection to another host)
 * @param anonymous     let any client connect without an account (a LAN demo); otherwise only the
 *                      agent itself and paired phones, each limited to its own topics
 */
public record EmbeddedBrokerConfig(String tcpBind, int tcpPort, String webSocketBind, int webSocketPort, boolean webSocketTls,
        boolean anonymous) {

    public static EmbeddedBrokerConfig defaults() {
        return new EmbeddedBrokerConfig("127.0.0.1", 1883, "0.0.0.0", 8884, true, false);
    }
}
