package org.openbell.agent.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.openbell.agent.config.ConfigException;
import org.openbell.agent.config.ConfigLoader;

/**
 * Fuzz target for the config loader (issue 11, defect 6b): any text is either a config or one
 * {@link ConfigException} whose message is one line starting "config error in"; never another
 * exception (a stack trace on the device's console), never a line break an attacker or a typo
 * could use to fake a line. Seeds: the shipped configs. In CI it fuzzes for a short while when
 * {@code JAZZER_FUZZ=1} (scripts/test); a long run: {@code JAZZER_FUZZ=1 mvn -pl device-agent test
 * -Dtest=ConfigLoaderFuzzTest -Djazzer.max_duration=30m}.
 */
class ConfigLoaderFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void anyTextIsAConfigOrOneClearError(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            ConfigLoader.parse(text, "fuzz.yml");
        } catch (ConfigException e) {
            assertTrue(e.getMessage().startsWith("config error in fuzz.yml") || e.getMessage().startsWith("cannot "), e.getMessage());
            assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), "a line break in: " + e.getMessage());
        }
    }
}
