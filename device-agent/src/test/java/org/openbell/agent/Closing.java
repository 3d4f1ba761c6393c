package org.openbell.agent;

/** Test teardown: closes what was opened, last first, skipping what never opened. */
public final class Closing {

    private Closing() {
    }

    /** Closes the parts in the order given (pass them last-opened first); nulls are skipped. */
    public static void all(AutoCloseable... parts) throws Exception {
        Exception first = null;
        for (AutoCloseable part : parts) {
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
