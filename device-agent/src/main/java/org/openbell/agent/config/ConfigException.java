package org.openbell.agent.config;

/**
 * A configuration the agent cannot run with; the message names the file and the field. It is one
 * line: whatever the file held (a key, a value) is escaped (found by ConfigLoaderFuzzTest).
 */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(org.openbell.signaling.LogSafe.text(message, 2000));
    }

    public ConfigException(String message, Throwable cause) {
        super(org.openbell.signaling.LogSafe.text(message, 2000), cause);
    }
}
