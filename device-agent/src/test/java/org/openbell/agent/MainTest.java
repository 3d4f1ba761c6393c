package org.openbell.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's command line, run as a real process: a bad config gives one clear line and exit code 2. */
class MainTest {

    private record Result(int exit, String stderr) {
    }

    private static Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the agent did not exit");
        }
        return new Result(process.exitValue(), new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void aBadValueNamesTheFieldAndExitsWithTwo(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("bad.yml"), "ring:\n  timeout: soon\n");
        Result result = run("--config", config.toString());
        assertEquals(2, result.exit(), result.stderr());
        assertTrue(result.stderr().contains("openbell: config error in " + config + " at ring.timeout: expected a duration"),
                result.stderr());
    }

    @Test
    void aMisspelledKeyIsAnErrorNotIgnored(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("typo.yml"), "hardware:\n  buton:\n    pin: 4\n");
        Result result = run("--config", config.toString());
        assertEquals(2, result.exit(), result.stderr());
        assertTrue(result.stderr().contains("at hardware.buton: unknown setting"), result.stderr());
    }

    @Test
    void aMissingFileAndAnUnknownArgumentAreReported() throws Exception {
        Result missing = run("--config", "/nonexistent/openbell.yml");
        assertEquals(2, missing.exit());
        assertTrue(missing.stderr().contains("config file not found: /nonexistent/openbell.yml"), missing.stderr());
        Result unknown = run("--colour");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.stderr().contains("unknown argument \"--colour\""), unknown.stderr());
    }
}
