package org.openbell.agent.homeassistant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the board tells about itself, where it can: the CPU temperature ({@code /sys/class/thermal}),
 * the Wi-Fi signal ({@code /proc/net/wireless}, dBm) and the uptime ({@code /proc/uptime}). Each
 * is empty where the machine has no such file (a laptop without Wi-Fi, a container).
 */
public record PiSensors(Path root) {

    /** The machine's own files. */
    public static PiSensors system() {
        return new PiSensors(Path.of("/"));
    }

    /** Degrees Celsius of the first thermal zone. */
    public Optional<Double> cpuTemperature() {
        return firstLine("sys/class/thermal/thermal_zone0/temp").flatMap(line -> {
            try {
                return Optional.of(Long.parseLong(line.strip()) / 1000.0);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** The signal level of the first wireless interface, dBm. */
    public Optional<Integer> wifiSignal() {
        try {
            List<String> lines = Files.readAllLines(root.resolve("proc/net/wireless"));
            for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4) { // "wlan0: 0000   70.  -40.  -256 ...": the level is the fourth field
                    return Optional.of((int) Math.round(Double.parseDouble(f[3])));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Time since the machine started. */
    public Optional<Duration> uptime() {
        return firstLine("proc/uptime").flatMap(line -> {
            try {
                return Optional.of(Duration.ofMillis(Math.round(Double.parseDouble(line.trim().split("\\s+")[0]) * 1000)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    private Optional<String> firstLine(String file) {
        try {
            List<String> lines = Files.readAllLines(root.resolve(file));
            return lines.isEmpty() ? Optional.empty() : Optional.of(lines.getFirst());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
