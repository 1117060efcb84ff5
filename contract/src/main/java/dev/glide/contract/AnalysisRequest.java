package dev.glide.contract;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.util.List;

/**
 * An analysis the planner starts, carried on a rollout event: judge the canary on {@code metrics}
 * every {@code intervalSeconds}, {@code count} times, tolerating {@code failureLimit} failed
 * windows, and running its {@code gates} (webhooks, smoke and load tests, which find the versions
 * by {@code targets}) at each window. An analysis of gates alone (no metrics) is how a gate before
 * any traffic, or before a blue-green switch, is waited on. Verdicts name {@code analysisSequence}
 * as their {@code stepSequence}. An {@code experiment} judges several variants against the control
 * instead of one canary against its baseline.
 */
public record AnalysisRequest(
        @Positive long analysisSequence,
        @NotNull List<String> metrics,
        @Positive long intervalSeconds,
        @Min(1) int count,
        @Min(0) int failureLimit,
        List<@NotNull @Valid Gate> gates,
        @Valid GateTargets targets,
        @Valid ExperimentDesign experiment) {

    public AnalysisRequest {
        gates = gates == null ? List.of() : List.copyOf(gates);
    }

    public AnalysisRequest(
            long analysisSequence,
            List<String> metrics,
            long intervalSeconds,
            int count,
            int failureLimit,
            List<Gate> gates,
            GateTargets targets) {
        this(analysisSequence, metrics, intervalSeconds, count, failureLimit, gates, targets, null);
    }

    public AnalysisRequest(
            long analysisSequence,
            List<String> metrics,
            long intervalSeconds,
            int count,
            int failureLimit,
            List<Gate> gates) {
        this(analysisSequence, metrics, intervalSeconds, count, failureLimit, gates, null);
    }

    public AnalysisRequest(
            long analysisSequence,
            List<String> metrics,
            long intervalSeconds,
            int count,
            int failureLimit) {
        this(analysisSequence, metrics, intervalSeconds, count, failureLimit, null, null);
    }
}
