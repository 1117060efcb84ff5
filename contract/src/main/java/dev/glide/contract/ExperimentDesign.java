package dev.glide.contract;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Instant;
import java.util.List;

/**
 * What an experiment's analysis judges, carried on its {@link AnalysisRequest}: each variant
 * against the control (the rollout's stable version) on the guardrails (the request's metrics, by
 * the canary judges, every window) and on the goal (conversions per user or per request, by the
 * anytime-valid comparison over every window since {@code since}, so an analysis started again
 * after a variant stopped loses no evidence).
 *
 * @param variants the variants' versions, in the order of the experiment's arms
 * @param stopped variants already stopped (they failed a guardrail): not judged again
 * @param goal the goal's name, as the application marks it ({@code X-Glide-Goal})
 * @param per what converts: distinct users (by the route's sticky key) or requests
 * @param alpha the chance of declaring any false winner or loser over the whole experiment (0.05)
 * @param minUnits users (or requests) every arm must have before a winner is declared (1000)
 * @param since when the experiment's arms were first served
 */
public record ExperimentDesign(
        @NotEmpty List<@NotBlank String> variants,
        List<@NotBlank String> stopped,
        @NotBlank String goal,
        @NotNull GoalUnit per,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("0.5") Double alpha,
        @PositiveOrZero Long minUnits,
        @NotNull Instant since) {

    public enum GoalUnit {
        USER,
        REQUEST
    }

    public ExperimentDesign {
        variants = variants == null ? null : List.copyOf(variants);
        stopped = stopped == null ? List.of() : List.copyOf(stopped);
        alpha = alpha == null ? 0.05 : alpha;
        minUnits = minUnits == null ? 1000L : minUnits;
    }
}
