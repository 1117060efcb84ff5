package dev.glide.contract;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Positive;
import java.util.List;

/**
 * An analysis the planner starts, carried on a rollout event: judge the canary on {@code metrics}
 * every {@code intervalSeconds}, {@code count} times, tolerating {@code failureLimit} failed
 * windows. Verdicts name {@code analysisSequence} as their {@code stepSequence}.
 */
public record AnalysisRequest(
        @Positive long analysisSequence,
        @NotEmpty List<String> metrics,
        @Positive long intervalSeconds,
        @Min(1) int count,
        @Min(0) int failureLimit) {}
