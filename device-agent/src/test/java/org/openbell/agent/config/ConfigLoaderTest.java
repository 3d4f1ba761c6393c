package org.openbell.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openbell.hardware.HardwareConfig;

class ConfigLoaderTest {

    /** The commented example documents the defaults: loading it must give exactly them. */
    @Test
    void theExampleFileLoadsAndMatchesTheDefaults() {
        AgentConfig example = ConfigLoader.load(Path.of("config/openbell.example.yml"));
        assertEquals(ConfigLoader.defaults(), example);
        assertEquals("front-door", example.device().id());
        assertEquals(Duration.ofSeconds(30), example.ring().timeout());
        assertEquals(Duration.ofMillis(15), example.hardware().debounce());
        assertEquals(HardwareConfig.Mode.AUTO, example.hardware().mode());
        assertEquals(Duration.ofDays(1), example.mqtt().sessionExpiry());
        assertEquals(Optional.empty(), example.mqtt().brokerUri());
    }

    @Test
    void theDemoConfigAddsSimulatedSound() {
        AgentConfig demo = ConfigLoader.load(Path.of("config/demo.yml"));
        assertTrue(demo.media().simulatedSound());
        assertEquals("pulse", demo.media().options().audio());
        assertEquals(ConfigLoader.defaults().web(), demo.web());
    }

    @Test
    void quietHoursAndHomeAssistantCanBeSet() {
        AgentConfig c = ConfigLoader.parse("ring: {quietHours: \"22:30-06:45\"}\nhomeAssistant: {enabled: true, discoveryPrefix: ha}",
                "ha.yml");
        assertEquals("22:30-06:45", c.ring().quietHours().orElseThrow().toString());
        assertTrue(c.homeAssistant().enabled());
        assertEquals("ha", c.homeAssistant().discoveryPrefix());
        assertEquals(AgentConfig.HomeAssistantConfig.OFF, ConfigLoader.defaults().homeAssistant(), "off by default");
    }

    /** Issue 14: these two were read after the unknown-key check, so setting liveViewMax was refused as unknown. */
    @Test
    void theLiveViewLimitAndTheViewerCapCanBeSet() {
        var media = ConfigLoader.parse("media: {liveViewMax: 2m, maxViewers: 2}", "media.yml").media();
        assertEquals(Duration.ofMinutes(2), media.liveViewMax());
        assertEquals(2, media.maxViewers());
        assertEquals(org.openbell.agent.call.MediaConfig.DEFAULT_MAX_VIEWERS, ConfigLoader.defaults().media().maxViewers());
    }

    @Test
    void anEmptyFileIsTheDemo() {
        assertEquals(ConfigLoader.defaults(), ConfigLoader.parse("", "empty.yml"));
    }

    @Test
    void settingsAreRead() {
        AgentConfig c = ConfigLoader.parse("""
                device: {id: back-door, name: Back door}
                hardware: {mode: simulated, button: {pin: 5, pull: down, activeLow: false, debounce: 30ms, lockout: 0s}}
                ring: {timeout: 1m}
                mqtt: {broker: "tcp://127.0.0.1:1883", webSocketUrl: "ws://{host}:9001/mqtt", username: door, password: s3cret}
                web: {port: 0}
                """, "test.yml");
        assertEquals("back-door", c.device().id());
        assertEquals(5, c.hardware().buttonPin());
        assertEquals(HardwareConfig.Pull.DOWN, c.hardware().buttonPull());
        assertEquals(Duration.ZERO, c.hardware().lockout());
        assertEquals(Duration.ofMinutes(1), c.ring().timeout());
        assertEquals(Optional.of("tcp://127.0.0.1:1883"), c.mqtt().brokerUri());
        assertTrue(!c.mqtt().toString().contains("s3cret"), "the password never appears in logs");
        // A clustered broker's nodes (issue 16), tried in turn.
        var cluster = ConfigLoader.parse("""
                mqtt: {broker: ["tcp://n1:1883", "tcp://n2:1883", "tcp://n3:1883"], webSocketUrl: "wss://n1/mqtt"}
                """, "cluster.yml");
        assertEquals(java.util.List.of("tcp://n1:1883", "tcp://n2:1883", "tcp://n3:1883"), cluster.mqtt().brokerUris());
        assertEquals(Optional.of("tcp://n1:1883"), cluster.mqtt().brokerUri());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ring: {timeout: soon}                        | at ring.timeout: expected a duration",
        "ring: {timeout: 0s}                          | at ring.timeout: expected between 1s and 10m",
        "ring: {timout: 30s}                          | at ring.timout: unknown setting",
        "colour: blue                                 | at colour: unknown setting",
        "hardware: {button: {pin: 40}}                | at hardware.button.pin: expected a whole number from 0 to 27",
        "hardware: {button: {pin: seventeen}}         | at hardware.button.pin",
        "hardware: {mode: magic}                      | at hardware.mode: expected one of [auto, gpio, simulated]",
        "hardware: {button: {debounce: 0ms}}          | debounce",
        "device: {id: \"front door\"}                 | at device.id",
        "mqtt: {broker: \"http://x\"}                 | at mqtt.broker",
        "mqtt: {broker: \"tcp://127.0.0.1:1883\"}     | at mqtt.webSocketUrl: required",
        "mqtt: {topicPrefix: \"a/#\"}                 | at mqtt.topicPrefix",
        "'mqtt: {broker: [\"tcp://a:1883\", \"tcp://a:1883\"], webSocketUrl: \"ws://a/mqtt\"}' | at mqtt.broker: 1-16 different broker URIs",
        "'mqtt: {broker: \"tcp://a:1883\", webSocketUrl: \"ws://a/mqtt\", clientId: short}' | at mqtt.clientId: expected 16-128 printable",
        "'mqtt: {clientId: abcdefabcdefabcdef}' | at mqtt.clientId: only used with an external broker",
        "'mqtt: {broker: [\"tcp://a:1883\", \"http://b\"], webSocketUrl: \"ws://a/mqtt\"}' | at mqtt.broker: expected tcp://host:port",
        "'mqtt: {broker: [\"ssl://a:8883\", \"tcp://b:1883\"], webSocketUrl: \"wss://a/mqtt\", caFile: /etc/hostname}' | at mqtt.caFile: only used with",
        "'mqtt: {broker: \"ssl://b:8883\", webSocketUrl: \"wss://b/mqtt\", caFile: /no/such/ca.pem}' | at mqtt.caFile: cannot read",
        "'mqtt: {broker: \"tcp://b:1883\", webSocketUrl: \"ws://b/mqtt\", caFile: /etc/hostname}' | at mqtt.caFile: only used with",
        "web: {keystore: /x.p12}                      | at web.keystorePassword",
        "web: {ownerAppUrl: \"bell.example.org\"}   | at web.ownerAppUrl: expected an https:// URL",
        "pairing: {codeTtl: 10s}                      | at pairing.codeTtl: expected between 1m and 24h",
        "pairing: {failuresPerMinute: 0}              | at pairing.failuresPerMinute",
        "push: {contact: \"doorbell\"}                 | at push.contact: expected mailto:",
        "'push: {allowedHosts: [\"https://fcm.googleapis.com\"]}' | at push.allowedHosts: expected host names",
        "'push: {allowedHosts: [\"push.example.org:99999\"]}' | at push.allowedHosts: port out of range",
        "push: {enabled: maybe}                       | at push.enabled",
        "push: {sendTo: everyone}                     | push.sendTo",
        "'media: {iceServers: [{urls: [\"turn:a b\"]}]}' | expected 1-4 stun:, turn: or turns: URLs without spaces",
        "'media: {iceServers: [{urls: [\"stun:a\"]}, {urls: [\"stun:b\"]}, {urls: [\"stun:c\"]}, {urls: [\"stun:d\"]}, {urls: [\"stun:e\"]}]}' | at media.iceServers: at most 4 servers",
        "device: [1, 2]                               | at device: expected a section",
        "'ring: [unclosed'                            | not valid YAML",
        "media: {audio: loud}                         | at media.audio: expected one of [headless, pulse, simulated]",
        "media: {video: webcam}                       | at media.video",
        "media: {iceServers: [{urls: [http://x]}]}    | at media.iceServers[0].urls",
        "'media: {iceServers: [{urls: [\"turn:t:3478\"], secret: short}]}' | at media.iceServers[0].secret: too short",
        "'media: {iceServers: [{urls: [\"turn:t:3478\"], username: u, credential: c, secret: 0123456789abcdef0}]}' | at media.iceServers[0].secret: give either",
        "media: {fps: 0}                              | at media.fps",
        // Issue 11, defect 6b: each of these passed --check-config and then failed the agent (or worse).
        "ring: {timeout: 999999999d}                  | at ring.timeout: expected from",
        "mqtt: {keepAlive: 999999999d}                | at mqtt.keepAlive: expected from 1s",
        "mqtt: {reconnectMin: 0ms}                    | at mqtt.reconnectMin: expected from 10ms",
        "mqtt: {reconnectMax: 0ms}                    | at mqtt.reconnectMax: expected from 10ms",
        "web: {bind: no-such-host.invalid}            | at web.bind: expected an IP address",
        "embeddedBroker: {webSocketBind: 300.1.1.1}   | at embeddedBroker.webSocketBind: expected an IP address",
        "embeddedBroker: {port: 0}                    | at embeddedBroker.port: expected a whole number from 1 to 65535",
        "web: {port: 99999}                           | at web.port: expected a whole number from 0 to 65535",
        "media: {portMin: 50000, portMax: 40000}      | at media.portMin: expected 1024 <= portMin <= portMax",
        "media: {portMin: 50000}                      | at media.portMin: give both",
        "media: {workerCommandPrefix: [/no/such/nice, -n, '5']} | at media.workerCommandPrefix: no such program",
        "media: {workerCommandPrefix: no-such-program-here} | at media.workerCommandPrefix: no such program",
        "media: {workerClasspath: /opt/x.jar} | at media.workerClasspath: only with media.workerJava",
        "media: {maxViewers: 0}                       | at media.maxViewers",
        "'hardware: {strike: {pulse: 3s}}'            | at hardware.strike.pin: the door strike's relay pin is required",
        "'hardware: {strike: {pin: 23, pulse: 1m}}'   | at hardware.strike.pulse",
        "'hardware: {strike: {pin: 27}}'              | already the button's, chime's or LED's",
        "'hardware: {pir: {hold: 5s}}'                | at hardware.pir.pin: the motion sensor's input pin is required",
        "'hardware: {pir: {pin: 24, hold: 0s}}'       | at hardware.pir.hold",
        "'hardware: {pir: {pin: 23}, strike: {pin: 23}}' | hardware.pir.pin 23 is already in use",
        "'ring: {quietHours: \"22:00\"}'              | at ring.quietHours: expected HH:MM-HH:MM",
        "'ring: {quietHours: \"07:00-07:00\"}'        | at ring.quietHours",
        "'ring: {quietHours: \"25:00-07:00\"}'        | at ring.quietHours",
        "'homeAssistant: {discoveryPrefix: \"ha/#\"}' | at homeAssistant.discoveryPrefix",
        "homeAssistant: {enable: true}                | at homeAssistant.enable: unknown setting",
        "media: {maxViewers: 9}                       | at media.maxViewers",
        "media: {liveViewMax: 10s}                    | at media.liveViewMax",
        "'stateDir: \"/tmp/a\\0b\"'                     | at stateDir: contains a control character",
        "'device: {name: \"two\\nlines\"}'                | at device.name: contains a control character",
    })
    void badSettingsGiveOneClearMessageNamingTheField(String yaml, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "bad.yml"));
        assertTrue(e.getMessage().startsWith("config error in bad.yml"), e.getMessage());
        assertTrue(e.getMessage().contains(expected.trim()), () -> "expected '" + expected.trim() + "' in: " + e.getMessage());
    }

    @Test
    void aDuplicatedSectionTwoDocumentsAndAHugeValueAreRefused(@TempDir Path dir) throws Exception {
        ConfigException duplicate = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("ring: {timeout: 5s}\nweb: {port: 0}\nring: {timeout: 9s}\n", "dup.yml"));
        assertTrue(duplicate.getMessage().contains("Duplicate field 'ring'"), duplicate.getMessage());
        ConfigException twoDocs = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("ring: {timeout: 5s}\n---\nring: {timeout: 9s}\n", "two.yml"));
        assertTrue(twoDocs.getMessage().contains("more than one YAML document"), twoDocs.getMessage());
        Path huge = Files.writeString(dir.resolve("huge.yml"), "device: {name: \"" + "x".repeat(10_000_000) + "\"}\n");
        ConfigException tooBig = assertThrows(ConfigException.class, () -> ConfigLoader.load(huge));
        assertTrue(tooBig.getMessage().contains("a config file is at most"), tooBig.getMessage());
        ConfigException longValue = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("device: {name: \"" + "x".repeat(5000) + "\"}\n", "long.yml"));
        assertTrue(longValue.getMessage().contains("at device.name: too long"), longValue.getMessage());
        Path latin1 = Files.write(dir.resolve("latin1.yml"), "device: {name: \"Caf\u00e9\"}\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        ConfigException notUtf8 = assertThrows(ConfigException.class, () -> ConfigLoader.load(latin1));
        assertTrue(notUtf8.getMessage().contains("not UTF-8"), notUtf8.getMessage());
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
        assertTrue(e.getMessage().contains("config file not found: " + missing), e.getMessage());
    }

    @Test
    void argumentsAndEnvironmentChooseTheFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a.yml"), "device: {id: from-file}\n");
        assertEquals("from-file", ConfigLoader.load(new String[] {"--config", file.toString()}, null).device().id());
        assertEquals("from-file", ConfigLoader.load(new String[] {"--config=" + file}, null).device().id());
        assertEquals("from-file", ConfigLoader.load(new String[0], file.toString()).device().id());
        assertEquals("front-door", ConfigLoader.load(new String[0], null).device().id());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(new String[] {"--colour"}, null));
        assertTrue(e.getMessage().contains("unknown argument"), e.getMessage());
    }

    @Test
    void durations() {
        assertEquals(Optional.of(Duration.ofMillis(15)), Durations.parse("15ms"));
        assertEquals(Optional.of(Duration.ofSeconds(2)), Durations.parse(" 2s "));
        assertEquals(Optional.of(Duration.ofMinutes(5)), Durations.parse("5m"));
        assertEquals(Optional.of(Duration.ofDays(1)), Durations.parse("1d"));
        assertEquals(Optional.of(Duration.ofSeconds(2)), Durations.parse("PT2S"));
        assertEquals(Optional.empty(), Durations.parse("-1s"));
        assertEquals(Optional.empty(), Durations.parse("2 weeks"));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("30s", Durations.format(Duration.ofSeconds(30)));
    }
}
