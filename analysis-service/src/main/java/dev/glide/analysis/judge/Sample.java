package dev.glide.analysis.judge;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * What one version served in one window: requests, server errors, and what is known of latency —
 * samples (ms) when the source has a distribution, or only a p99 when it has an aggregate
 * (Prometheus) — plus named custom values (a custom Prometheus query per name) and named series:
 * the points of a metric over the window, oldest first ({@code error-rate} per second from the
 * gateways, a custom query's range from Prometheus), which metric comparisons and Kayenta scoring
 * rank.
 */
public record Sample(
        @PositiveOrZero long requests,
        @PositiveOrZero long errors,
        List<@NotNull @PositiveOrZero Double> latencyMs,
        @PositiveOrZero Double p99Ms,
        Map<String, @NotNull Double> values,
        Map<String, @NotNull List<@NotNull Double>> series) {

    public Sample {
        latencyMs = latencyMs == null ? List.of() : List.copyOf(latencyMs);
        values = values == null ? Map.of() : Map.copyOf(values);
        series = series == null ? Map.of() : Map.copyOf(series);
    }

    public Sample(
            long requests,
            long errors,
            List<Double> latencyMs,
            Double p99Ms,
            Map<String, Double> values) {
        this(requests, errors, latencyMs, p99Ms, values, null);
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

    /**
     * This window and a later one added together: what both saw, their series one after the other.
     */
    public Sample plus(Sample other) {
        List<Double> latencies = new ArrayList<>(latencyMs);
        latencies.addAll(other.latencyMs);
        Map<String, List<Double>> joined = new HashMap<>();
        series.forEach((name, points) -> joined.put(name, new ArrayList<>(points)));
        other.series.forEach(
                (name, points) ->
                        joined.computeIfAbsent(name, n -> new ArrayList<>()).addAll(points));
        return new Sample(
                requests + other.requests,
                errors + other.errors,
                latencies,
                null,
                Map.of(),
                Map.copyOf(joined));
    }
}
