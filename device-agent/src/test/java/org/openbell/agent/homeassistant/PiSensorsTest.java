package org.openbell.agent.homeassistant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The board's sensors from a made-up Pi root: what a Pi 4 writes, and nothing where a file is missing or odd. */
class PiSensorsTest {

    @Test
    void aPisFilesGiveItsTemperatureWifiAndUptime(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("sys/class/thermal/thermal_zone0"));
        Files.writeString(root.resolve("sys/class/thermal/thermal_zone0/temp"), "48312\n");
        Files.createDirectories(root.resolve("proc/net"));
        Files.writeString(root.resolve("proc/net/wireless"), """
                Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE
                 face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22
                 wlan0: 0000   49.  -61.  -256        0      0      0      0     13        0
                """);
        Files.writeString(root.resolve("proc/uptime"), "1234.56 4321.00\n");
        PiSensors sensors = new PiSensors(root);
        assertEquals(Optional.of(48.312), sensors.cpuTemperature());
        assertEquals(Optional.of(-61), sensors.wifiSignal());
        assertEquals(Optional.of(Duration.ofMillis(1_234_560)), sensors.uptime());
    }

    @Test
    void noWifiNoThermalZoneOrGarbageGiveNothing(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("proc/net"));
        Files.writeString(root.resolve("proc/net/wireless"), "Inter-| sta-|\n face | tus |\n"); // Wi-Fi off: headers only
        Files.writeString(root.resolve("proc/uptime"), "soon\n");
        PiSensors sensors = new PiSensors(root);
        assertEquals(Optional.empty(), sensors.cpuTemperature());
        assertEquals(Optional.empty(), sensors.wifiSignal());
        assertEquals(Optional.empty(), sensors.uptime());
    }
}
