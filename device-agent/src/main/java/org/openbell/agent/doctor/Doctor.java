package org.openbell.agent.doctor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openbell.agent.config.AgentConfig;
import org.openbell.media.AutoCamera;
import org.openbell.agent.config.ConfigException;
import org.openbell.agent.config.ConfigLoader;
import org.openbell.hardware.HardwareConfig;

/**
 * {@code openbell-doctor}: checks what the doorbell needs (its config, the GPIO, the camera, the
 * sound server, the broker, the clock, its state folder) and says in plain words what is wrong.
 * Read-only: it opens nothing the running service holds.
 *
 * @param root  where {@code /dev}, {@code /proc} and {@code /run} are ({@code /}; a folder in tests)
 * @param path  the folders searched for programs (PATH)
 * @param env   the environment (PULSE_SERVER, XDG_RUNTIME_DIR)
 */
public record Doctor(Path root, List<Path> path, Map<String, String> env, Clock clock, Duration timeout) {

    /** The doctor for this machine. */
    public static Doctor here() {
        List<Path> path = Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .filter(d -> !d.isEmpty()).map(Path::of).toList();
        return new Doctor(Path.of("/"), path, System.getenv(), Clock.systemUTC(), Duration.ofSeconds(5));
    }

    public List<Finding> examine(Path configFile) {
        List<Finding> findings = new ArrayList<>();
        AgentConfig config;
        try {
            String board = boardModel();
            config = configFile == null ? ConfigLoader.parse("", "the demo defaults", board) : ConfigLoader.load(configFile, board);
            findings.add(Finding.ok("config", (configFile == null ? "the demo defaults" : configFile.toString())
                    + ": doorbell '" + config.device().id() + "'"));
        } catch (ConfigException e) {
            findings.add(Finding.fail("config", e.getMessage()));
            return findings;
        }
        findings.add(board(config.media().options()));
        findings.add(gpio(config.hardware()));
        findings.add(camera(config.media().options().video()));
        findings.add(config.media().simulatedSound()
                ? Finding.warn("sound", "media.audio is simulated: the agent's own sound server, a tone as the microphone (the demo)")
                : sound(config.media().options().audio(), config.media().pulseServer()));
        findings.add(broker(config));
        findings.add(time());
        findings.add(stateDir(config.stateDir()));
        return findings;
    }

    /** The board's model ({@code /proc/device-tree/model}) if it is a Raspberry Pi, else null. */
    String boardModel() {
        String model = read(root.resolve("proc/device-tree/model")).replace("\u0000", "").trim();
        return model.contains("Raspberry Pi") ? model : null;
    }

    /** Which board this is, and the picture calls will send (the board's default unless configured). */
    Finding board(org.openbell.media.MediaOptions video) {
        String model = boardModel();
        org.openbell.media.MediaOptions boardDefault = org.openbell.media.MediaOptions.forBoard(model);
        boolean isDefault = video.width() == boardDefault.width() && video.height() == boardDefault.height() && video.fps() == boardDefault.fps();
        String picture = "calls send " + video.width() + "x" + video.height() + " at " + video.fps() + " fps ("
                + (isDefault ? "this board's default; media.width, height and fps change it" : "media.width, height and fps") + ")";
        if (model == null) {
            return Finding.warn("board", "not a Raspberry Pi; " + picture);
        }
        if (!isDefault && video.width() * video.height() * video.fps() > boardDefault.width() * boardDefault.height() * boardDefault.fps()) {
            return Finding.warn("board", model + ": " + picture + ", more than this board's default "
                    + boardDefault.width() + "x" + boardDefault.height() + " at " + boardDefault.fps() + " fps: calls may stutter");
        }
        return Finding.ok("board", model + ": " + picture);
    }

    Finding gpio(HardwareConfig hardware) {
        String model = boardModel();
        boolean pi = model != null;
        if (hardware.mode() == HardwareConfig.Mode.SIMULATED || (hardware.mode() == HardwareConfig.Mode.AUTO && !pi)) {
            return Finding.warn("gpio", "no GPIO used: the button is simulated (hardware.mode "
                    + hardware.mode().name().toLowerCase(java.util.Locale.ROOT) + (pi ? "" : ", not a Raspberry Pi") + ")");
        }
        List<Path> chips = list(root.resolve("dev"), "gpiochip");
        if (chips.isEmpty()) {
            return Finding.fail("gpio", "no /dev/gpiochip* devices: is this a Raspberry Pi with a current kernel?");
        }
        List<Path> usable = chips.stream().filter(c -> Files.isReadable(c) && Files.isWritable(c)).toList();
        if (usable.isEmpty()) {
            return Finding.fail("gpio", "cannot open " + chips.get(0) + ": add this user to the 'gpio' group (the package's udev rule gives it the chips)");
        }
        return Finding.ok("gpio", (pi ? model + ", " : "") + usable.size() + " GPIO chip(s) usable; button BCM" + hardware.buttonPin()
                + ", chime BCM" + hardware.chimePin() + ", LED BCM" + hardware.ledPin());
    }

    Finding camera(String video) {
        if (video.equals("auto")) {
            String chosen = AutoCamera.choose(String.join(":", path.stream().map(Path::toString).toList()), resolve("/dev"));
            if (chosen.equals("synthetic")) {
                return Finding.warn("camera", "media.video is auto, and there is no Pi camera tool (rpicam-vid) and no USB camera"
                        + " (/dev/video0-9): owners see a test pattern");
            }
            return camera(chosen);
        }
        if (video.equals("synthetic")) {
            return Finding.warn("camera", "media.video is synthetic: owners see a test pattern");
        }
        if (video.startsWith("v4l2:")) {
            Path device = resolve(video.substring("v4l2:".length()));
            if (!Files.exists(device)) {
                return Finding.fail("camera", "no camera at " + video.substring(5) + ": is the USB webcam plugged in? (ls /dev/video*)");
            }
            return Files.isReadable(device) ? Finding.ok("camera", "USB camera at " + video.substring(5))
                    : Finding.fail("camera", "cannot read " + video.substring(5) + ": add this user to the 'video' group");
        }
        Path tool = program("rpicam-vid");
        if (tool == null) {
            tool = program("libcamera-vid");
        }
        if (tool == null) {
            return Finding.fail("camera", "media.video is rpicam but neither rpicam-vid nor libcamera-vid is installed "
                    + "(apt-get install rpicam-apps); owners would see a test pattern");
        }
        Run listed = run(List.of(tool.toString(), "--list-cameras"));
        if (listed.output().contains("No cameras available")) {
            return Finding.fail("camera", "the Pi camera is not detected: check the ribbon cable (and camera_auto_detect=1 in config.txt)");
        }
        if (listed.exit() != 0 || !listed.output().contains("Available cameras")) {
            return Finding.warn("camera", tool.getFileName() + " --list-cameras did not list cameras: " + firstLine(listed.output()));
        }
        String first = listed.output().lines().filter(l -> l.matches("\\s*0 : .*")).findFirst().orElse("a camera").strip();
        return Finding.ok("camera", "Pi camera: " + first + " (" + tool.getFileName() + ")");
    }

    Finding sound(String audio, java.util.Optional<String> configured) {
        if (!audio.equals("pulse")) {
            return Finding.warn("sound", "media.audio is " + audio + ": no microphone or speaker on calls");
        }
        String server = configured.orElse(env.get("PULSE_SERVER"));
        Path socket = server != null && server.startsWith("unix:") ? resolve(server.substring(5))
                : env.containsKey("XDG_RUNTIME_DIR") ? Path.of(env.get("XDG_RUNTIME_DIR"), "pulse", "native")
                : resolve("/run/pulse/native");
        if (server != null && !server.startsWith("unix:")) {
            return Finding.ok("sound", "sound server " + server);
        }
        if (Files.exists(socket)) {
            return Finding.ok("sound", "sound server at " + socket);
        }
        if (configured.isPresent()) {
            return Finding.fail("sound", "no sound server at " + socket + " (media.pulseServer): is openbell-sound.service running?"
                    + " systemctl status openbell-sound");
        }
        List<Path> alsa = list(root.resolve("dev/snd"), "pcm");
        return alsa.isEmpty() ? Finding.fail("sound", "no sound server (" + socket + ") and no ALSA devices: is the sound card or USB speaker connected?")
                : Finding.fail("sound", "no sound server at " + socket + ", though " + alsa.size() + " ALSA devices exist: calls need"
                        + " one (PulseAudio or PipeWire); install pulseaudio, or set media.audio: headless");
    }

    Finding broker(AgentConfig config) {
        if (config.mqtt().brokerUri().isEmpty()) {
            return Finding.ok("broker", "the doorbell runs its own broker (phones on this network only; README, \"Remote access\", for away)");
        }
        URI uri = URI.create(config.mqtt().brokerUri().get());
        int port = uri.getPort() > 0 ? uri.getPort() : switch (uri.getScheme()) {
            case "ssl" -> 8883;
            case "wss" -> 443;
            case "ws" -> 80;
            default -> 1883;
        };
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), port), (int) timeout.toMillis());
            return Finding.ok("broker", uri.getHost() + ":" + port + " answers" + (config.mqtt().username().isPresent()
                    ? " (account " + config.mqtt().username().get() + "; the service's log says if it is refused)" : ""));
        } catch (java.net.UnknownHostException e) {
            return Finding.fail("broker", "cannot resolve " + uri.getHost() + ": is the network up, is the name right?");
        } catch (IOException e) {
            return Finding.fail("broker", "cannot reach " + uri.getHost() + ":" + port + " (" + e.getMessage()
                    + "): is the broker running, is a firewall in the way?");
        }
    }

    Finding time() {
        Instant now = clock.instant();
        if (now.isBefore(Instant.parse("2025-01-01T00:00:00Z"))) {
            return Finding.fail("clock", "the clock says " + now + ": without the right time TLS certificates are refused "
                    + "(the Pi has no battery clock: it needs the network and NTP)");
        }
        Path timedatectl = program("timedatectl");
        if (timedatectl != null) {
            Run sync = run(List.of(timedatectl.toString(), "show", "-p", "NTPSynchronized", "--value"));
            if (sync.exit() == 0 && sync.output().strip().equals("no")) {
                return Finding.warn("clock", "the clock is not synchronised yet (NTP): " + now);
            }
        }
        return Finding.ok("clock", now.toString());
    }

    Finding stateDir(Path dir) {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isWritable(existing)) {
            return Finding.fail("state", "cannot write " + dir + ": it must belong to the service's user");
        }
        return Finding.ok("state", dir + " is writable");
    }

    private Path resolve(String absolute) {
        return root.resolve(absolute.replaceFirst("^/+", ""));
    }

    private Path program(String name) {
        return path.stream().map(d -> d.resolve(name)).filter(Files::isExecutable).findFirst().orElse(null);
    }

    private static List<Path> list(Path dir, String prefix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    private record Run(int exit, String output) {
    }

    private Run run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Run(-1, "no answer within " + timeout.toSeconds() + " s");
            }
            return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Run(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(-1, "interrupted");
        }
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("(no output)");
    }
}
