package org.openbell.agent.signaling;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts rejected inbound messages by reason, for the status page and tests. Thread-safe. */
public final class Rejections {

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    public void count(String reason) {
        counts.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** A sorted copy: reason to count. */
    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((reason, n) -> copy.put(reason, n.sum()));
        return copy;
    }
}
