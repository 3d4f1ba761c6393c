package org.openbell.agent.firstboot;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code openbell-firstboot [--boot DIR] [--root DIR]}: applies {@code DIR/openbell.txt} (default
 * boot partition /boot/firmware) to the system (default /). Run by openbell-firstboot.service
 * before the network and the doorbell start. Exit 0 when applied or nothing to do, 2 when the file
 * is invalid (the reasons are in openbell-error.txt beside it and on standard error).
 */
public final class FirstBootMain {

    private FirstBootMain() {
    }

    public static void main(String[] args) throws IOException {
        Path boot = Path.of("/boot/firmware");
        Path root = Path.of("/");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--boot" -> boot = Path.of(args[i + 1]);
                case "--root" -> root = Path.of(args[i + 1]);
                default -> {
                    System.err.println("openbell-firstboot: unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        switch (FirstBoot.apply(boot, root, Instant.now())) {
            case NOTHING_TO_DO -> System.out.println("openbell-firstboot: no " + boot.resolve(FirstBoot.SETTINGS) + ": nothing to do");
            case APPLIED -> System.out.println("openbell-firstboot: applied " + boot.resolve(FirstBoot.SETTINGS)
                    + " (summary in " + boot.resolve(FirstBoot.APPLIED) + ")");
            case INVALID -> {
                System.err.println("openbell-firstboot: " + boot.resolve(FirstBoot.SETTINGS) + " was not applied, nothing changed:\n"
                        + java.nio.file.Files.readString(boot.resolve(FirstBoot.ERROR)));
                System.exit(2);
            }
        }
    }
}
