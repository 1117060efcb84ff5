package dev.glide.planner.strategy;

import dev.glide.contract.Durations;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import java.util.List;

/**
 * An analysis a strategy step asks for: judge the canary on {@code metrics} every {@code interval},
 * {@code count} times; more than {@code failureLimit} failed windows abort the rollout.
 */
public record AnalysisSpec(
        @NotEmpty List<@NotBlank String> metrics,
        @NotNull
                @Pattern(
                        regexp = Durations.PATTERN,
                        message = "must be a duration such as 30s, 1m or 1h")
                String interval,
        @Min(1) int count,
        @PositiveOrZero int failureLimit) {

    /** What a service without its own strategy gets at each canary step. */
    public static AnalysisSpec defaults() {
        return new AnalysisSpec(List.of("error-rate", "latency-p99"), "1m", 3, 0);
    }

    public Duration intervalDuration() {
        return Durations.parse(interval);
    }
}
