package dev.glide.planner.strategy;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.glide.contract.Durations;
import dev.glide.contract.ExperimentDesign.GoalUnit;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import java.util.List;

/**
 * An experiment strategy's design: a control (the stable version) and the release's variants on one
 * route, each user kept on one of them by {@code stickyKey} for the experiment's life; every
 * variant judged against the control on the guardrails ({@code metrics}, the canary judges) at
 * every window, a variant that regresses stopped alone; the {@code goal} compared per user or per
 * request by an anytime-valid test until a variant wins or {@code maxWindows} have passed; then the
 * winner goes out as {@code winner} says.
 *
 * @param shares each variant's share of users in percent, in the release's order (default: the
 *     control and every variant alike)
 * @param minUnits users (or requests) every arm needs before a winner may be declared
 * @param winner {@code none} (report only: everyone back on the control), {@code blueGreen} (every
 *     user switched to the winner at once) or {@code canary} (the winner ramped as a canary)
 * @param autoPromote false: wait for a person's promote before the winner goes out
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentSpec(
        @NotBlank String goal,
        @Pattern(regexp = "user|request", message = "must be user or request") String per,
        @NotBlank String stickyKey,
        List<@NotNull @DecimalMin(value = "0", inclusive = false) @DecimalMax("100") Double> shares,
        List<@NotBlank String> metrics,
        @Pattern(regexp = Durations.PATTERN, message = "must be a duration such as 30s, 1m or 1h")
                String interval,
        @Min(1) Integer maxWindows,
        @PositiveOrZero Long minUnits,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("0.5") Double alpha,
        @Pattern(regexp = "none|blueGreen|canary", message = "must be none, blueGreen or canary")
                String winner,
        Boolean autoPromote) {

    public GoalUnit unit() {
        return "request".equals(per) ? GoalUnit.REQUEST : GoalUnit.USER;
    }

    public List<String> guardrails() {
        return metrics == null || metrics.isEmpty()
                ? List.of("error-rate", "latency-p99")
                : metrics;
    }

    public Duration intervalDuration() {
        return Durations.parse(interval == null ? "1m" : interval);
    }

    public int windows() {
        return maxWindows == null ? 60 : maxWindows;
    }

    public long minUnitsOrDefault() {
        return minUnits == null ? 1000 : minUnits;
    }

    public double alphaOrDefault() {
        return alpha == null ? 0.05 : alpha;
    }

    public String winnerOrDefault() {
        return winner == null ? "none" : winner;
    }

    public boolean promotesItself() {
        return autoPromote == null || autoPromote;
    }

    /** Each arm's percent, the control first, for {@code variants} variants. */
    public double[] percents(int variants) {
        double[] percents = new double[variants + 1];
        if (shares == null || shares.isEmpty()) {
            java.util.Arrays.fill(percents, 100.0 / (variants + 1));
            return percents;
        }
        double rest = 100;
        for (int i = 0; i < variants; i++) {
            percents[i + 1] = shares.get(i);
            rest -= shares.get(i);
        }
        percents[0] = rest;
        return percents;
    }
}
