package org.openbell.agent.doctor;

/** One thing the doctor looked at, and what it found, in plain words. */
public record Finding(Level level, String check, String words) {

    /** How it affects the doorbell. */
    public enum Level { OK, WARN, FAIL }

    static Finding ok(String check, String words) {
        return new Finding(Level.OK, check, words);
    }

    static Finding warn(String check, String words) {
        return new Finding(Level.WARN, check, words);
    }

    static Finding fail(String check, String words) {
        return new Finding(Level.FAIL, check, words);
    }

    @Override
    public String toString() {
        return String.format("%-4s %-9s %s", level, check, words);
    }
}
