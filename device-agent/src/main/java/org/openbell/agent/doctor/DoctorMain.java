package org.openbell.agent.doctor;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code openbell-doctor [--config FILE]}: prints one line per check ({@code OK}, {@code WARN},
 * {@code FAIL} and what to do) and exits 1 if anything fails.
 */
public final class DoctorMain {

    private DoctorMain() {
    }

    public static void main(String[] args) {
        Path config = null;
        if (args.length == 2 && args[0].equals("--config")) {
            config = Path.of(args[1]);
        } else if (args.length != 0) {
            System.err.println("usage: openbell-doctor [--config FILE]");
            System.exit(2);
        }
        List<Finding> findings = Doctor.here().examine(config);
        findings.forEach(System.out::println);
        long failed = findings.stream().filter(f -> f.level() == Finding.Level.FAIL).count();
        System.out.println(failed == 0 ? "The doorbell has what it needs." : failed + " problem(s) to fix.");
        System.exit(failed == 0 ? 0 : 1);
    }
}
