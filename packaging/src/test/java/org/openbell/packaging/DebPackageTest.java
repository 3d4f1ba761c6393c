package org.openbell.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The .deb from scripts/package-deb, installed into a clean Debian trixie root (built once by
 * scripts/test with debootstrap; this test needs no network): the service user and its groups,
 * the directories with their owners and modes, the config made once (not a conffile), the units enabled and
 * accepted by {@code systemd-analyze verify}, the installed agent reading the packaged config;
 * then purge removes the user, the config and the state.
 */
class DebPackageTest {

    private static final Path TRIXIE = Path.of(System.getenv().getOrDefault("OPENBELL_TRIXIE_ROOT", "/var/cache/openbell-test/trixie-amd64"));
    private final Path root = Path.of("target/trixie-" + ProcessHandle.current().pid()).toAbsolutePath();

    @AfterEach
    void removeRoot() throws Exception {
        run(List.of("umount", "-l", root.resolve("proc").toString()), true);
        run(List.of("rm", "-rf", root.toString()), true);
    }

    @Test
    void installsIntoACleanTrixieRootAndPurgesWithoutATrace() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (chroot): run scripts/test as root");
        assumeTrue(Files.isExecutable(TRIXIE.resolve("usr/bin/dpkg")), "no trixie root at " + TRIXIE + ": scripts/test builds it");
        Path out = Path.of("target").toAbsolutePath();
        String deb = run(List.of("../scripts/package-deb", "--arch", "amd64", "--out", out.toString()), false).strip();
        java.util.regex.Matcher printed = java.util.regex.Pattern.compile("(/\\S+/openbell_[0-9.]+_amd64\\.deb)$").matcher(deb);
        assertTrue(printed.find(), "package-deb prints the package's path: " + deb);
        String built = printed.group(1);

        run(List.of("cp", "-a", TRIXIE.toString(), root.toString()), false);
        run(List.of("mount", "-t", "proc", "proc", root.resolve("proc").toString()), false);
        Files.copy(Path.of(built), root.resolve("tmp/openbell.deb"));
        in("dpkg", "-i", "/tmp/openbell.deb");

        assertTrue(in("getent", "passwd", "openbell").matches("openbell:x:\\d+:\\d+:Openbell doorbell:/var/lib/openbell:/usr/sbin/nologin\\s*"),
                "a system user without a login");
        List<String> groups = List.of(in("id", "-nG", "openbell").strip().split(" "));
        assertTrue(groups.containsAll(List.of("openbell", "gpio", "video", "audio")), groups.toString());
        assertEquals("openbell:openbell 750", in("stat", "-c", "%U:%G %a", "/var/lib/openbell").strip());
        assertEquals("root:openbell 750", in("stat", "-c", "%U:%G %a", "/etc/openbell").strip());
        assertEquals("root:openbell 640", in("stat", "-c", "%U:%G %a", "/etc/openbell/openbell.yml").strip());
        assertEquals("", in("dpkg-query", "-W", "-f=${Conffiles}", "openbell").strip(),
                "the config is made once by postinst (first boot edits it): no conffile, so upgrades never stop to ask");
        assertTrue(Files.isSymbolicLink(root.resolve("etc/systemd/system/multi-user.target.wants/openbell.service")), "enabled at boot");
        assertTrue(Files.isSymbolicLink(root.resolve("etc/systemd/system/multi-user.target.wants/openbell-sound.service")), "sound server enabled");
        String verify = in("systemd-analyze", "verify", "/lib/systemd/system/openbell.service", "/lib/systemd/system/openbell-firstboot.service",
                "/lib/systemd/system/openbell-sound.service");
        assertFalse(verify.contains("openbell"), "systemd-analyze verify has nothing to say about the units: " + verify);
        String check = in("runuser", "-u", "openbell", "--", "/usr/bin/openbell-agent", "--config", "/etc/openbell/openbell.yml", "--check-config");
        assertTrue(check.contains("the configuration is valid: doorbell 'front-door'"), check);

        // First boot: settings dropped on the boot partition are applied, and the service user can read the result.
        Files.createDirectories(root.resolve("boot/firmware"));
        Files.writeString(root.resolve("boot/firmware/openbell.txt"), "device.id = garden-gate\ndevice.name = Garden gate\n");
        in("/usr/bin/openbell-firstboot", "--boot", "/boot/firmware");
        assertTrue(Files.exists(root.resolve("boot/firmware/openbell-applied.txt")) && !Files.exists(root.resolve("boot/firmware/openbell.txt")));
        assertEquals("root:openbell 640", in("stat", "-c", "%U:%G %a", "/etc/openbell/openbell.yml").strip());
        String applied = in("runuser", "-u", "openbell", "--", "/usr/bin/openbell-agent", "--config", "/etc/openbell/openbell.yml", "--check-config");
        assertTrue(applied.contains("doorbell 'garden-gate'"), applied);
        // An upgrade (the same package again) keeps the doorbell's settings and asks nothing.
        in("dpkg", "-i", "/tmp/openbell.deb");
        assertTrue(Files.readString(root.resolve("etc/openbell/openbell.yml")).contains("garden-gate"), "settings survive an upgrade");

        // The sound server unit's own command line, run as the service user, serves the socket the config names.
        String unit = Files.readString(root.resolve("lib/systemd/system/openbell-sound.service"));
        String exec = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow().substring("ExecStart=".length());
        String env = unit.lines().filter(l -> l.startsWith("Environment=")).findFirst().orElseThrow().substring("Environment=".length());
        in("install", "-d", "-o", "openbell", "-g", "openbell", "/run/openbell");
        List<String> serve = new ArrayList<>(List.of("chroot", root.toString(), "runuser", "-u", "openbell", "--", "env"));
        serve.addAll(List.of(env.split(" ")));
        serve.addAll(List.of(exec.split(" ")));
        Process sound = new ProcessBuilder(serve).redirectErrorStream(true).redirectOutput(root.resolve("tmp/sound.log").toFile()).start();
        try {
            String info = "";
            for (int i = 0; i < 50 && !info.contains("Server String: unix:/run/openbell/pulse/native"); i++) {
                Thread.sleep(200);
                info = in(true, "runuser", "-u", "openbell", "--", "env", "PULSE_SERVER=unix:/run/openbell/pulse/native",
                        "HOME=/var/lib/openbell", "pactl", "info");
            }
            assertTrue(info.contains("Server String: unix:/run/openbell/pulse/native"), "the doorbell's sound server answers: " + info
                    + Files.readString(root.resolve("tmp/sound.log")));
            String doctor = in(true, "runuser", "-u", "openbell", "--", "/usr/bin/openbell-doctor");
            assertTrue(doctor.contains("OK   sound     sound server at /run/openbell/pulse/native"), doctor);
        } finally {
            sound.destroy();
            sound.waitFor(10, TimeUnit.SECONDS);
            in(true, "pkill", "-u", "openbell");
        }

        // The doctor runs as the service's user and says what this (camera-less, GPIO-less) root lacks.
        String doctor = in(true, "runuser", "-u", "openbell", "--", "/usr/bin/openbell-doctor");
        assertTrue(doctor.contains("OK   config") && doctor.contains("camera") && doctor.contains("problem(s) to fix"), doctor);

        in("dpkg", "--purge", "openbell");
        assertEquals("", in(true, "getent", "passwd", "openbell").strip(), "the user is gone");
        for (String gone : List.of("var/lib/openbell", "etc/openbell", "lib/systemd/system/openbell.service", "usr/share/openbell",
                "etc/systemd/system/multi-user.target.wants/openbell-firstboot.service",
                "etc/systemd/system/multi-user.target.wants/openbell.service",
                "etc/systemd/system/multi-user.target.wants/openbell-sound.service")) {
            assertFalse(Files.exists(root.resolve(gone), java.nio.file.LinkOption.NOFOLLOW_LINKS), gone + " is gone after purge");
        }
    }

    private String in(String... command) throws Exception {
        return in(false, command);
    }

    private String in(boolean mayFail, String... command) throws Exception {
        List<String> words = new ArrayList<>(List.of("chroot", root.toString(), "env", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"));
        words.addAll(List.of(command));
        return run(words, mayFail);
    }

    private static String run(List<String> command, boolean mayFail) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        if (p.exitValue() != 0 && !mayFail) {
            throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }
}
