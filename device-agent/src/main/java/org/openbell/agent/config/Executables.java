package org.openbell.agent.config;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Whether a program named in the config can be run: an executable file, or a name found on PATH. */
final class Executables {

    private Executables() {
    }

    static boolean found(String program) {
        try {
            if (program.contains("/")) {
                return Files.isRegularFile(Path.of(program)) && Files.isExecutable(Path.of(program));
            }
            String path = System.getenv("PATH");
            if (path == null) {
                return false;
            }
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    Path candidate = Path.of(dir, program);
                    if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                        return true;
                    }
                }
            }
            return false;
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
