package dev.glide.analysis.judge;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
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
 * @param scoring {@code glide} (the judges, alpha kept over every look) or {@code kayenta} (each
 *     metric classified Pass / High / Low / Nodata by a Mann-Whitney interval and the analysis
 *     scored 0-100 as Kayenta does)
 * @param metrics metrics held to their baseline by name, with the direction that is worse and the
 *     effect that matters: custom series for the {@code metric-comparison} judge, and every metric
 *     Kayenta scoring classifies ({@code error-rate} and {@code latency} when none are named)
 * @param kayenta Kayenta scoring's thresholds, group weights and interval confidence
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
        Map<String, @NotNull @Valid Bounds> bounds,
        @Pattern(regexp = "glide|kayenta", message = "must be glide or kayenta") String scoring,
        Map<String, @NotNull @Valid MetricSpec> metrics,
        @Valid KayentaSettings kayenta) {

    /** Criteria without metric comparisons, scored by Glide's judges. */
    public Criteria(
            Double maxErrorRate,
            Double maxP99Ms,
            Double alpha,
            Boolean compare,
            Boolean sequential,
            Long minRequests,
            Long minWindowRequests,
            Integer consecutiveFailures,
            Double minErrorIncrease,
            Double minLatencyIncrease,
            Map<String, Bounds> bounds) {
        this(
                maxErrorRate,
                maxP99Ms,
                alpha,
                compare,
                sequential,
                minRequests,
                minWindowRequests,
                consecutiveFailures,
                minErrorIncrease,
                minLatencyIncrease,
                bounds,
                null,
                null,
                null);
    }

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
        scoring = scoring == null ? "glide" : scoring;
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        kayenta = kayenta == null ? new KayentaSettings(null, null, null, null, null) : kayenta;
    }

    public boolean kayentaScoring() {
        return "kayenta".equals(scoring);
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
                bounds,
                scoring,
                metrics,
                kayenta);
    }

    /** The range a custom value must stay in; either end may be open. */
    public record Bounds(Double min, Double max) {}

    /**
     * How a metric is held to its baseline.
     *
     * @param direction which way is worse: {@code increase} (default), {@code decrease} or {@code
     *     either}
     * @param allowedIncrease a canary whose mean is at most this many times the baseline's is not
     *     High, however significant (1.0: any significant rise counts)
     * @param allowedDecrease a canary whose mean is at least this many times the baseline's is not
     *     Low (1.0)
     * @param critical a critical metric that is not Pass fails the analysis (Kayenta: scores 0)
     * @param mustHaveData no data for this metric is a failure rather than left out
     * @param reportOnly classified and shown, never counted
     * @param group Kayenta's group the metric is scored in (default: its own name)
     */
    public record MetricSpec(
            @Pattern(
                            regexp = "increase|decrease|either",
                            message = "must be increase, decrease or either")
                    String direction,
            @Positive Double allowedIncrease,
            @Positive Double allowedDecrease,
            Boolean critical,
            Boolean mustHaveData,
            Boolean reportOnly,
            String group) {

        public MetricSpec {
            direction = direction == null ? "increase" : direction;
            allowedIncrease = allowedIncrease == null ? 1.0 : allowedIncrease;
            allowedDecrease = allowedDecrease == null ? 1.0 : allowedDecrease;
            critical = critical == null ? Boolean.FALSE : critical;
            mustHaveData = mustHaveData == null ? Boolean.FALSE : mustHaveData;
            reportOnly = reportOnly == null ? Boolean.FALSE : reportOnly;
        }
    }

    /**
     * Kayenta scoring's settings.
     *
     * @param marginal a look scoring at or below this fails the analysis (75)
     * @param pass the last look must score at least this to pass (95); between the two, a person
     *     decides (INCONCLUSIVE)
     * @param confidence the Mann-Whitney interval's confidence (0.95)
     * @param fraction a shift smaller than this fraction of the Hodges-Lehmann estimate is no shift
     *     (0.10)
     * @param groupWeights each group's weight out of 100; groups not named share what is left
     */
    public record KayentaSettings(
            @DecimalMin("0") @DecimalMax("100") Double marginal,
            @DecimalMin("0") @DecimalMax("100") Double pass,
            @DecimalMin(value = "0.5", inclusive = false)
                    @DecimalMax(value = "1", inclusive = false)
                    Double confidence,
            @DecimalMin("0") Double fraction,
            Map<String, @NotNull @PositiveOrZero Double> groupWeights) {

        public KayentaSettings {
            marginal = marginal == null ? 75.0 : marginal;
            pass = pass == null ? 95.0 : pass;
            confidence = confidence == null ? 0.95 : confidence;
            fraction = fraction == null ? 0.10 : fraction;
            groupWeights = groupWeights == null ? Map.of() : Map.copyOf(groupWeights);
        }
    }
}
