package dev.glide.analysis.judge;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.util.Map;

/**
 * What a canary must satisfy. Absent fields take the defaults shown.
 *
 * @param maxErrorRate the canary's error rate per window may not exceed this (thresholds; none if
 *     null)
 * @param maxP99Ms the canary's p99 latency per window may not exceed this (thresholds; none if
 *     null)
 * @param alpha the false-abort rate the comparisons keep across all their looks (0.01)
 * @param compare compare the canary with the baseline statistically (true)
 * @param sequential look at every window and stop at the first clear regression (true); false tests
 *     once, after the last window (fixed horizon)
 * @param minRequests canary requests the whole analysis needs before it may PASS (200); fewer is
 *     INCONCLUSIVE
 * @param minWindowRequests canary requests a window needs for its thresholds to count (20)
 * @param consecutiveFailures threshold failures in a row that make a FAIL (2)
 * @param minErrorIncrease a significant error-rate rise must also be at least this much, relative
 *     (0.2 = +20 %)
 * @param minLatencyIncrease a significant latency rise must also move the median by this much,
 *     relative (0.05)
 * @param bounds custom values (by name) the canary must keep within
 */
public record Criteria(
        @DecimalMin("0") @DecimalMax("1") Double maxErrorRate,
        @Positive Double maxP99Ms,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("0.5") Double alpha,
        Boolean compare,
        Boolean sequential,
        @PositiveOrZero Long minRequests,
        @PositiveOrZero Long minWindowRequests,
        @Min(1) Integer consecutiveFailures,
        @PositiveOrZero Double minErrorIncrease,
        @PositiveOrZero Double minLatencyIncrease,
        Map<String, @NotNull @Valid Bounds> bounds) {

    public Criteria {
        alpha = alpha == null ? 0.01 : alpha;
        compare = compare == null ? Boolean.TRUE : compare;
        sequential = sequential == null ? Boolean.TRUE : sequential;
        minRequests = minRequests == null ? 200L : minRequests;
        minWindowRequests = minWindowRequests == null ? 20L : minWindowRequests;
        consecutiveFailures = consecutiveFailures == null ? 2 : consecutiveFailures;
        minErrorIncrease = minErrorIncrease == null ? 0.2 : minErrorIncrease;
        minLatencyIncrease = minLatencyIncrease == null ? 0.05 : minLatencyIncrease;
        bounds = bounds == null ? Map.of() : Map.copyOf(bounds);
    }

    /** The same criteria judged once after the last window instead of at every window. */
    public Criteria fixedHorizon() {
        return new Criteria(
                maxErrorRate,
                maxP99Ms,
                alpha,
                compare,
                false,
                minRequests,
                minWindowRequests,
                consecutiveFailures,
                minErrorIncrease,
                minLatencyIncrease,
                bounds);
    }

    /** The range a custom value must stay in; either end may be open. */
    public record Bounds(Double min, Double max) {}
}
