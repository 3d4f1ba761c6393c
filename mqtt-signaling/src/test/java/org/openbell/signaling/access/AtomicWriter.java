package org.openbell.signaling.access;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process that rewrites one file forever, alternating two 1 MiB contents, for
 * {@link AtomicFilesTest} to kill at a random moment. {@code naive} writes in place instead
 * (what AtomicFiles exists to avoid), to show the test can catch a torn file.
 */
public final class AtomicWriter {

    private AtomicWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        boolean naive = args.length > 1 && args[1].equals("naive");
        String a = "a".repeat(1 << 20);
        String b = "b".repeat(1 << 20);
        for (long n = 0; ; n++) {
            String text = n % 2 == 0 ? a : b;
            if (naive) {
                Files.writeString(file, text);
            } else {
                AtomicFiles.write(file, text, false);
            }
            if (n == 0) {
                System.out.println("first write done");
                System.out.flush();
            }
        }
    }
}
