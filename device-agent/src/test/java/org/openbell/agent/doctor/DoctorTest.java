package org.openbell.agent.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbell.signaling.testing.MosquittoBroker;

/**
 * The doctor on a made-up Raspberry Pi: a folder standing in for /dev and /proc, stand-in
 * rpicam-vid and timedatectl programs on its PATH, a real Mosquitto for the broker check.
 */
class DoctorTest {

    @TempDir
    Path root;
    Path bin;

    @BeforeEach
    void pi() throws Exception {
        Files.createDirectories(root.resolve("proc/device-tree"));
        Files.writeString(root.resolve("proc/device-tree/model"), "Raspberry Pi 5 Model B Rev 1.0\u0000");
        Files.createDirectories(root.resolve("dev"));
        Files.writeString(root.resolve("dev/gpiochip0"), "");
        bin = Files.createDirectories(root.resolve("bin"));
    }

    private Doctor doctor(Map<String, String> env, Instant now) {
        return new Doctor(root, List.of(bin), env, Clock.fixed(now, ZoneOffset.UTC), Duration.ofSeconds(5));
    }

    private Doctor doctor() {
        return doctor(Map.of(), Instant.parse("2026-11-25T10:00:00Z"));
    }

    private void program(String name, String script) throws Exception {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Finding check(String config, String name) {
        Path file = root.resolve("openbell.yml");
        try {
            Files.writeString(file, config + "\nstateDir: \"" + root.resolve("state") + "\"\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return doctor().examine(file).stream().filter(f -> f.check().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void thePiCameraIsFoundThroughRpicamVidOrLibcameraVid() throws Exception {
        program("rpicam-vid", "echo 'Available cameras'; echo '-----------------'; echo '0 : imx708 [4608x2592 10-bit RGGB] (/base/axi/pcie)'");
        Finding found = check("media: {video: rpicam}", "camera");
        assertEquals(Finding.Level.OK, found.level(), found.toString());
        assertTrue(found.words().contains("imx708") && found.words().contains("rpicam-vid"), found.words());

        Files.delete(bin.resolve("rpicam-vid"));
        program("libcamera-vid", "echo 'No cameras available!'; exit 0");
        Finding missing = check("media: {video: rpicam}", "camera");
        assertEquals(Finding.Level.FAIL, missing.level());
        assertTrue(missing.words().contains("ribbon cable"), missing.words());

        Files.delete(bin.resolve("libcamera-vid"));
        Finding none = check("media: {video: rpicam}", "camera");
        assertEquals(Finding.Level.FAIL, none.level());
        assertTrue(none.words().contains("apt-get install rpicam-apps"), none.words());
    }

    @Test
    void aUsbCameraMustBeThere() throws Exception {
        assertTrue(check("media: {video: \"v4l2:/dev/video0\"}", "camera").words().contains("is the USB webcam plugged in"));
        Files.writeString(root.resolve("dev/video0"), "");
        assertEquals(Finding.Level.OK, check("media: {video: \"v4l2:/dev/video0\"}", "camera").level());
    }

    @Test
    void autoReportsTheCameraItWouldUse() throws Exception {
        Finding nothing = check("media: {video: auto}", "camera");
        assertEquals(Finding.Level.WARN, nothing.level());
        assertTrue(nothing.words().contains("test pattern"), nothing.words());
        Files.writeString(root.resolve("dev/video0"), "");
        Finding usb = check("media: {video: auto}", "camera");
        assertEquals(Finding.Level.OK, usb.level());
        assertTrue(usb.words().contains("USB camera at /dev/video0"), usb.words());
        program("rpicam-vid", "echo 'Available cameras'; echo '0 : imx708 [4608x2592 10-bit RGGB] (/base/axi/pcie)'");
        assertTrue(check("media: {video: auto}", "camera").words().contains("imx708"), "the Pi camera first");
    }

    @Test
    void gpioAndSoundAndTheStateFolder() throws Exception {
        Finding gpio = check("hardware: {mode: auto}", "gpio");
        assertEquals(Finding.Level.OK, gpio.level(), gpio.toString());
        assertTrue(gpio.words().startsWith("Raspberry Pi 5 Model B"), gpio.words());
        Files.delete(root.resolve("dev/gpiochip0"));
        assertEquals(Finding.Level.FAIL, check("hardware: {mode: gpio}", "gpio").level());

        assertTrue(check("media: {audio: pulse}", "sound").words().contains("no sound server"));
        Files.createDirectories(root.resolve("dev/snd"));
        Files.writeString(root.resolve("dev/snd/pcmC0D0p"), "");
        Finding alsaOnly = check("media: {audio: pulse}", "sound");
        assertEquals(Finding.Level.FAIL, alsaOnly.level(), "the worker talks to a sound server, not to ALSA");
        assertTrue(alsaOnly.words().contains("1 ALSA devices"), alsaOnly.words());
        Files.createDirectories(root.resolve("run/pulse"));
        Files.writeString(root.resolve("run/pulse/native"), "");
        assertEquals(Finding.Level.OK, check("media: {audio: pulse}", "sound").level());
        // The packaged config names the doorbell's own sound server.
        Finding own = check("media: {audio: pulse, pulseServer: 'unix:/run/openbell/pulse/native'}", "sound");
        assertEquals(Finding.Level.FAIL, own.level());
        assertTrue(own.words().contains("openbell-sound"), own.words());
        Files.createDirectories(root.resolve("run/openbell/pulse"));
        Files.writeString(root.resolve("run/openbell/pulse/native"), "");
        assertEquals(Finding.Level.OK, check("media: {audio: pulse, pulseServer: 'unix:/run/openbell/pulse/native'}", "sound").level());

        assertEquals(Finding.Level.OK, check("", "state").level());
    }

    /** Issue 13: the board, and the picture calls send on it (its default from the cost model, or the config's). */
    @Test
    void theBoardAndThePictureItsCallsSend() throws Exception {
        Finding pi5 = check("", "board");
        assertEquals(Finding.Level.OK, pi5.level(), pi5.toString());
        assertEquals("Raspberry Pi 5 Model B Rev 1.0: calls send 1280x720 at 15 fps (this board's default; media.width, height and fps change it)",
                pi5.words());
        Finding heavier = check("media: {width: 1920, height: 1080, fps: 30}", "board");
        assertEquals(Finding.Level.WARN, heavier.level(), "more than the board's default: " + heavier);
        Files.writeString(root.resolve("proc/device-tree/model"), "Raspberry Pi 4 Model B Rev 1.4\u0000");
        assertTrue(check("", "board").words().startsWith("Raspberry Pi 4 Model B Rev 1.4: calls send 640x480 at 30 fps"));
        Files.writeString(root.resolve("proc/device-tree/model"), "Raspberry Pi Zero 2 W Rev 1.0\u0000");
        assertTrue(check("", "board").words().contains("640x480 at 15 fps"));
        Files.delete(root.resolve("proc/device-tree/model"));
        Finding laptop = check("", "board");
        assertEquals(Finding.Level.WARN, laptop.level());
        assertTrue(laptop.words().startsWith("not a Raspberry Pi; calls send 640x480 at 30 fps"), laptop.words());
    }

    @Test
    void aBadConfigIsTheOnlyFinding() throws Exception {
        Path file = root.resolve("bad.yml");
        Files.writeString(file, "ring: {timeout: soon}\n");
        List<Finding> findings = doctor().examine(file);
        assertEquals(1, findings.size());
        assertEquals(Finding.Level.FAIL, findings.get(0).level());
        assertTrue(findings.get(0).words().contains("ring.timeout"), findings.get(0).words());
    }

    @Test
    void theBrokerMustAnswerAndTheClockMustBeSet() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start()) {
            String config = "mqtt: {broker: \"" + broker.tcpUri() + "\", webSocketUrl: \"" + broker.webSocketUri() + "\"}";
            assertEquals(Finding.Level.OK, check(config, "broker").level());
            broker.stop();
            Finding down = check(config, "broker");
            assertEquals(Finding.Level.FAIL, down.level());
            assertTrue(down.words().contains("cannot reach 127.0.0.1"), down.words());
        }
        Finding past = doctor(Map.of(), Instant.parse("1970-01-01T00:00:42Z")).examine(null).stream()
                .filter(f -> f.check().equals("clock")).findFirst().orElseThrow();
        assertEquals(Finding.Level.FAIL, past.level());
        assertTrue(past.words().contains("TLS certificates are refused"), past.words());
        program("timedatectl", "echo no");
        Finding unsynced = doctor().examine(null).stream().filter(f -> f.check().equals("clock")).findFirst().orElseThrow();
        assertEquals(Finding.Level.WARN, unsynced.level(), unsynced.toString());
    }
}
