package dev.glide.planner.strategy;

import dev.glide.contract.Durations;
import dev.glide.contract.Gate;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An analysis a strategy step asks for: judge the canary on {@code metrics} every {@code interval},
 * {@code count} times; more than {@code failureLimit} failed windows abort the rollout. The
 * strategy's webhook gates of the phase are called at each window ({@code gates}, filled in when
 * the plan is compiled). An {@code experiment}'s analysis judges its variants against the control
 * instead ({@code metrics} are then its guardrails).
 */
public record AnalysisSpec(
        @NotEmpty List<@NotBlank String> metrics,
        @NotNull
                @Pattern(
                        regexp = Durations.PATTERN,
                        message = "must be a duration such as 30s, 1m or 1h")
                String interval,
        @Min(1) int count,
        @PositiveOrZero int failureLimit,
        List<@NotNull @Valid Gate> gates,
        ExperimentSpec experiment) {

    public AnalysisSpec(
            List<String> metrics, String interval, int count, int failureLimit, List<Gate> gates) {
        this(metrics, interval, count, failureLimit, gates, null);
    }

    public AnalysisSpec(List<String> metrics, String interval, int count, int failureLimit) {
        this(metrics, interval, count, failureLimit, null);
    }

    /** An analysis of gates alone, judged once, a second after it starts. */
    public static AnalysisSpec gatesOnly(List<Gate> gates) {
        return new AnalysisSpec(List.of(), "1s", 1, 0, gates);
    }

    /** The same analysis also calling {@code more} gates. */
    public AnalysisSpec withGates(List<Gate> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<Gate> all = new ArrayList<>(gatesOrNone());
        all.addAll(more);
        return new AnalysisSpec(
                metrics, interval, count, failureLimit, List.copyOf(all), experiment);
    }

    public List<Gate> gatesOrNone() {
        return gates == null ? List.of() : gates;
    }

    /** What a service without its own strategy gets at each canary step. */
    public static AnalysisSpec defaults() {
        return new AnalysisSpec(List.of("error-rate", "latency-p99"), "1m", 3, 0);
    }

    public Duration intervalDuration() {
        return Durations.parse(interval);
    }
}
