package dev.glide.planner.strategy;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.glide.contract.Durations;
import dev.glide.contract.MatchRule;
import dev.glide.contract.Role;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * A blue-green cutover: green receives only {@code preview} requests while {@code
 * prePromotionAnalysis} runs; then all traffic moves in one step (on a promote command, or at once
 * with {@code autoPromote}); blue stays ready for {@code rollbackWindow}, during which an abort
 * puts everything back on blue in one step.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BlueGreenSpec(
        @NotNull @Valid MatchRule preview,
        @Valid AnalysisSpec prePromotionAnalysis,
        boolean autoPromote,
        @NotNull
                @Pattern(
                        regexp = Durations.PATTERN,
                        message = "must be a duration such as 30s, 10m or 1h")
                String rollbackWindow) {

    /**
     * Preview by the header {@code x-glide-preview: true}, promoted by hand, blue kept ready for 10
     * minutes.
     */
    public static BlueGreenSpec defaults() {
        return new BlueGreenSpec(
                new MatchRule(MatchRule.Kind.HEADER, "x-glide-preview", "true", Role.CANARY),
                null,
                false,
                "10m");
    }
}
