package org.openbell.agent.firstboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openbell.agent.config.AgentConfig;
import org.openbell.agent.config.ConfigLoader;

/** openbell.txt from the boot partition applied to a system root (a temporary folder standing in for /). */
class FirstBootTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    private static final String GOOD = """
            # my doorbell
            wifi.country = DE
            wifi.ssid = Home Net
            wifi.password = correct horse \\s battery
            device.id = back-door
            device.name = Back door
            hostname = back-doorbell
            timezone = Europe/Berlin
            mqtt.broker = ssl://bell.example.org:8883
            mqtt.username = doorbell.back-door
            mqtt.password = broker-password-0123456789
            mqtt.webSocketUrl = wss://bell.example.org:8884/mqtt
            web.ownerAppUrl = https://bell.example.org/
            turn.urls = turn:bell.example.org:3478?transport=udp, turns:bell.example.org:5349?transport=tcp
            turn.secret = turn-secret-0123456789abcdef
            """;

    @TempDir
    Path root;
    Path boot;

    @BeforeEach
    void system() throws Exception {
        boot = Files.createDirectories(root.resolve("boot/firmware"));
        Files.createDirectories(root.resolve("etc/openbell"));
        Files.writeString(root.resolve("etc/openbell/openbell.yml"), "hardware: {mode: auto}\nmedia: {video: rpicam, audio: pulse}\n");
        Files.writeString(root.resolve("etc/hosts"), "127.0.0.1\tlocalhost\n127.0.1.1\tdebian\n");
        Files.createDirectories(root.resolve("usr/share/zoneinfo/Europe"));
        Files.writeString(root.resolve("usr/share/zoneinfo/Europe/Berlin"), "TZif");
    }

    @Test
    void aGoodFileIsAppliedAndItsSecretsLeaveTheBootPartition() throws Exception {
        Files.writeString(boot.resolve("openbell.txt"), GOOD);
        assertEquals(FirstBoot.Outcome.APPLIED, FirstBoot.apply(boot, root, NOW));

        AgentConfig config = ConfigLoader.load(root.resolve("etc/openbell/openbell.yml"));
        assertEquals("back-door", config.device().id());
        assertEquals("Back door", config.device().name());
        assertEquals("ssl://bell.example.org:8883", config.mqtt().brokerUri().orElseThrow());
        assertEquals("broker-password-0123456789", config.mqtt().password().orElseThrow());
        assertEquals("https://bell.example.org/", config.web().ownerAppUrl().orElseThrow());
        assertEquals("rpicam", config.media().options().video(), "settings already there are kept");
        assertEquals(List.of("turn:bell.example.org:3478?transport=udp", "turns:bell.example.org:5349?transport=tcp"),
                config.media().iceServers().get(0).urls());
        assertEquals(Path.of("/var/lib/openbell"), config.stateDir());
        assertEquals("rw-r-----", mode("etc/openbell/openbell.yml"));

        String wifi = Files.readString(root.resolve("etc/NetworkManager/system-connections/openbell-wifi.nmconnection"));
        assertTrue(wifi.contains("ssid=Home Net\n") && wifi.contains("psk=correct horse \\\\s battery\n") && wifi.contains("key-mgmt=wpa-psk"), wifi);
        assertEquals("rw-------", mode("etc/NetworkManager/system-connections/openbell-wifi.nmconnection"), "NetworkManager needs 600");
        assertTrue(Files.readString(root.resolve("etc/modprobe.d/openbell-wifi-country.conf")).contains("ieee80211_regdom=DE"));
        assertEquals("back-doorbell\n", Files.readString(root.resolve("etc/hostname")));
        for (String system : List.of("etc/hostname", "etc/hosts", "etc/timezone", "etc/modprobe.d/openbell-wifi-country.conf")) {
            assertEquals("rw-r--r--", mode(system), system + " stays readable by every program (the agent resolves its own name)");
        }
        assertEquals("127.0.0.1\tlocalhost\n127.0.1.1\tback-doorbell\n", Files.readString(root.resolve("etc/hosts")));
        assertEquals("Europe/Berlin\n", Files.readString(root.resolve("etc/timezone")));
        assertEquals(Path.of("/usr/share/zoneinfo/Europe/Berlin"), Files.readSymbolicLink(root.resolve("etc/localtime")));

        assertFalse(Files.exists(boot.resolve("openbell.txt")), "the file with the passwords is gone from the boot partition");
        String applied = Files.readString(boot.resolve("openbell-applied.txt"));
        assertTrue(applied.contains("device.id = back-door") && applied.contains("wifi.password = (set)"), applied);
        for (String secret : List.of("correct horse \\s battery", "broker-password-0123456789", "turn-secret-0123456789abcdef")) {
            assertFalse(applied.contains(secret), "no secret in the summary");
        }
        assertEquals(FirstBoot.Outcome.NOTHING_TO_DO, FirstBoot.apply(boot, root, NOW), "the next boot has nothing to do");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "device.id = front door                      | device.id: 1-64 letters",
        "colour = blue                               | line 2: unknown setting \"colour\"",
        "just some words                             | line 2: expected key = value",
        "wifi.ssid = Home                            | wifi.country: required with wifi.ssid",
        "wifi.country = DE;wifi.ssid = H;wifi.password = short | wifi.password: WPA passwords have 8 to 63 characters",
        "mqtt.broker = ssl://b:8883                  | mqtt.password: required with mqtt.broker",
        "mqtt.password = x                           | mqtt.password: only used with mqtt.broker",
        "timezone = Mars/Olympus                     | timezone: no time zone Mars/Olympus",
        "turn.urls = turn:t:3478                     | turn.urls and turn.secret: give both or neither",
        "device.id = a;device.id = b                 | line 3: device.id is given twice",
    })
    void aBadFileIsReportedAndNothingIsChanged(String lines, String expected) throws Exception {
        Files.writeString(boot.resolve("openbell.txt"), "# bad\n" + lines.replace(";", "\n") + "\n");
        Map<Path, String> before = snapshot();
        assertEquals(FirstBoot.Outcome.INVALID, FirstBoot.apply(boot, root, NOW));
        Map<Path, String> after = snapshot();
        after.remove(boot.resolve("openbell-error.txt"));
        assertEquals(before, after, "nothing changed");
        String error = Files.readString(boot.resolve("openbell-error.txt"));
        assertTrue(error.contains(expected), error);
        assertTrue(error.contains("nothing was changed"), error);
        assertTrue(Files.exists(boot.resolve("openbell.txt")), "the file stays for fixing");
    }

    @Test
    void theExampleOnTheImagesBootPartitionIsAValidFile() throws Exception {
        String example = Files.readString(Path.of("../packaging/image/openbell.txt.example"));
        FirstBootSettings settings = FirstBootSettings.parse(example);
        assertEquals("front-door", settings.get("device.id").orElseThrow());
        Files.writeString(boot.resolve("openbell.txt"), example);
        assertEquals(FirstBoot.Outcome.APPLIED, FirstBoot.apply(boot, root, NOW));
    }

    /** Issue 11, defect 6b: a file saved as Latin-1 ("ANSI" in Notepad) gave a stack trace and no openbell-error.txt. */
    @Test
    void aFileSavedAsLatin1IsApplied() throws Exception {
        Files.write(boot.resolve("openbell.txt"), GOOD.replace("Back door", "Caf\u00e9 door").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(FirstBoot.Outcome.APPLIED, FirstBoot.apply(boot, root, NOW));
        assertEquals("Caf\u00e9 door", ConfigLoader.load(root.resolve("etc/openbell/openbell.yml")).device().name());
        Files.write(boot.resolve("openbell.txt"), ("\ufeff" + GOOD).getBytes(StandardCharsets.UTF_8));
        assertEquals(FirstBoot.Outcome.APPLIED, FirstBoot.apply(boot, root, NOW), "a UTF-8 byte order mark is fine too");
    }

    @Test
    void aMistypedPasswordLineIsNotEchoed() throws Exception {
        Files.writeString(boot.resolve("openbell.txt"), "wifi.country = DE\nwifi.ssid = Home\nwifi.password: hunter2-secret\n");
        assertEquals(FirstBoot.Outcome.INVALID, FirstBoot.apply(boot, root, NOW));
        String error = Files.readString(boot.resolve("openbell-error.txt"));
        assertTrue(error.contains("line 3: expected key = value"), error);
        assertFalse(error.contains("hunter2-secret"), error);
    }

    @Test
    void everyProblemIsReportedAtOnce() throws Exception {
        Files.writeString(boot.resolve("openbell.txt"), "device.id = a b\nhostname = UPPER\nmqtt.broker = http://x\n");
        assertEquals(FirstBoot.Outcome.INVALID, FirstBoot.apply(boot, root, NOW));
        String error = Files.readString(boot.resolve("openbell-error.txt"));
        assertTrue(error.contains("device.id") && error.contains("hostname") && error.contains("mqtt.broker") && error.contains("mqtt.username"), error);
    }

    private String mode(String file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve(file)));
    }

    private Map<Path, String> snapshot() throws Exception {
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(p, Files.readString(p));
            }
        }
        return files;
    }
}
