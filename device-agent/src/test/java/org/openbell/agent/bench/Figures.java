package org.openbell.agent.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Named samples (ms, MB, s...) and their median, p95 and max, in the order they were first added. */
final class Figures {

    private final Map<String, List<Double>> samples = new LinkedHashMap<>();
    private final Map<String, String> units = new LinkedHashMap<>();

    void add(String name, String unit, double value) {
        samples.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        units.put(name, unit);
    }

    void addAll(String name, String unit, List<? extends Number> values) {
        values.forEach(v -> add(name, unit, v.doubleValue()));
    }

    boolean has(String name) {
        return samples.containsKey(name) && !samples.get(name).isEmpty();
    }

    /** name -> {unit, n, median, p95, max}. */
    Map<String, Map<String, Object>> summary() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        samples.forEach((name, values) -> {
            List<Double> sorted = values.stream().sorted().toList();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("unit", units.get(name));
            row.put("n", sorted.size());
            row.put("median", round(percentile(sorted, 50)));
            row.put("p95", round(percentile(sorted, 95)));
            row.put("max", round(sorted.getLast()));
            out.put(name, row);
        });
        return out;
    }

    String table() {
        StringBuilder t = new StringBuilder(String.format("%-40s %6s %5s %9s %9s %9s%n", "figure", "unit", "n", "median", "p95", "max"));
        summary().forEach((name, row) -> t.append(String.format("%-40s %6s %5s %9s %9s %9s%n", name, row.get("unit"), row.get("n"),
                row.get("median"), row.get("p95"), row.get("max"))));
        return t.toString();
    }

    /** Nearest-rank percentile. */
    static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
