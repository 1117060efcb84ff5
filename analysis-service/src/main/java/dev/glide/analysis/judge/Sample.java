package dev.glide.analysis.judge;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * What one version served in one window: requests, server errors, and what is known of latency —
 * samples (ms) when the source has a distribution, or only a p99 when it has an aggregate
 * (Prometheus) — plus named custom values (a custom Prometheus query per name).
 */
public record Sample(
        @PositiveOrZero long requests,
        @PositiveOrZero long errors,
        List<@NotNull @PositiveOrZero Double> latencyMs,
        @PositiveOrZero Double p99Ms,
        Map<String, @NotNull Double> values) {

    public Sample {
        latencyMs = latencyMs == null ? List.of() : List.copyOf(latencyMs);
        values = values == null ? Map.of() : Map.copyOf(values);
    }

    public static Sample counts(long requests, long errors) {
        return new Sample(requests, errors, List.of(), null, Map.of());
    }

    @JsonIgnore
    @AssertTrue(message = "errors cannot exceed requests")
    public boolean isErrorsWithinRequests() {
        return errors <= requests;
    }

    public double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }

    /** The 99th percentile: the one given, else from the samples; null when neither is known. */
    public Double p99() {
        if (p99Ms != null) {
            return p99Ms;
        }
        return latencyMs.isEmpty() ? null : percentile(latencyMs, 99);
    }

    static double percentile(List<Double> values, double p) {
        return new Percentile()
                .evaluate(values.stream().mapToDouble(Double::doubleValue).toArray(), p);
    }

    /** This window and another added together: what both saw. */
    public Sample plus(Sample other) {
        List<Double> latencies = new ArrayList<>(latencyMs);
        latencies.addAll(other.latencyMs);
        return new Sample(
                requests + other.requests, errors + other.errors, latencies, null, Map.of());
    }
}
