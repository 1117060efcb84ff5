package dev.glide.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collected latencies in milliseconds, and their percentiles. Thread-safe for adding. */
final class Latencies {

    private final List<Double> millis = new ArrayList<>();

    synchronized void add(double ms) {
        millis.add(ms);
    }

    /** Adds every latency of this one to {@code other}. */
    synchronized void copyInto(Latencies other) {
        millis.forEach(other::add);
    }

    synchronized int count() {
        return millis.size();
    }

    synchronized double percentile(double p) {
        if (millis.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** {@code {"p50": .., "p99": .., "max": .., "count": ..}} for the JSON report. */
    Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("p50", round(percentile(50)));
        summary.put("p99", round(percentile(99)));
        summary.put("max", round(percentile(100)));
        summary.put("count", count());
        return summary;
    }

    static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
